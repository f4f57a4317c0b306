"""The backlog's fixed vocabularies as Django choices: feasibility tags, project statuses, problem types and reuse
link kinds. The models use them and re-export them (``from portfolio.models import Status``); the math's own
names for the same statuses and tags are ``portfolio.scoring_inputs``'.
"""

from django.db import models


class Tag(models.TextChoices):
    EASY = "easy", "Easy"
    HARD = "hard", "Hard"
    IMPOSSIBLE = "impossible", "Impossible"


class Status(models.TextChoices):
    IDEA = "idea", "Idea"
    DISCOVERY = "discovery", "Discovery"
    BUILDING = "building", "Building"
    SHIPPED = "shipped", "Shipped"
    ITERATING = "iterating", "Iterating"
    PARKED = "parked", "Parked"


class ProblemType(models.TextChoices):
    CLASSIFICATION = "classification", "Classification"
    RANKING = "ranking", "Ranking / search"
    RECOMMENDATION = "recommendation", "Recommendation"
    REGRESSION = "regression", "Regression / forecasting"
    NLP = "nlp", "Language (NLP)"
    VISION = "vision", "Vision"
    ANOMALY = "anomaly", "Anomaly / fraud detection"
    OTHER = "other", "Other"


class LinkKind(models.TextChoices):
    REQUIRES = "requires", "Requires"
    BENEFITS = "benefits", "Benefits from"
