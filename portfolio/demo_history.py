"""The demo portfolio's past projects: what the team estimated and what happened, as plain data.

``demo.demo_load`` writes them through the services, each as it would have happened: created by the PM with an
impact range, assessed by an EM with an effort range, moved to building, then shipped (or stopped), and its outcome
recorded. They give the calibration page a true story, the one the research predicts (Flyvbjerg, Hubbard):

- efforts overrun, and the demo EM (``em``) most of all: about 1.5x their likely effort, usually past their high;
  Ines, an EM who left (a name, no account), is close to calibrated;
- impact falls short: the PM's (``pm``) realised impact is about 60% of the likely value;
- easy problems succeed less often than the 90% assumed (9 of 12: the page flags it); hard ones about as often as
  the 50% assumed.

Units: impact in k$ per year, effort in person-weeks, ``weeks_ago`` is when the project finished (weeks before the
day the demo is loaded) and ``duration_weeks`` how long it ran.
"""

from dataclasses import dataclass

OPTIMIST = "em"  # the demo EM user: optimistic about effort
CALIBRATED_EM = "Ines"  # a label, not an account: an EM who has left the team


@dataclass(frozen=True)
class PastProject:
    """A delivered (or stopped) project with its estimates and actuals."""

    name: str
    problem_type: str
    tag: str
    impact: tuple[float, float, float]
    effort: tuple[float, float, float]
    effort_by: str  # OPTIMIST or CALIBRATED_EM
    actual_effort: float
    succeeded: bool
    realized_impact: float | None  # k$ per year measured after launch; None when not measured (or stopped)
    weeks_ago: int
    duration_weeks: int
    status: str = "shipped"  # "shipped", "iterating" or "parked" (stopped)


P = PastProject
PAST_PROJECTS: tuple[PastProject, ...] = (
    # The optimistic EM: actual efforts well past the likely, often past the high.
    P("Comment toxicity v1", "classification", "easy", (100, 200, 400), (6, 8, 12), OPTIMIST, 14, True, 130, 60, 10),
    P("Spam URL blocklist model", "classification", "easy", (50, 120, 250), (4, 6, 9), OPTIMIST, 9.5, True, 70, 55, 8),
    P(
        "People you may know v2",
        "recommendation",
        "hard",
        (300, 600, 1200),
        (12, 16, 24),
        OPTIMIST,
        27,
        True,
        350,
        50,
        16,
        "iterating",
    ),
    P(
        "Photo quality ranking",
        "ranking",
        "hard",
        (80, 150, 300),
        (8, 12, 18),
        OPTIMIST,
        21,
        False,
        None,
        48,
        12,
        "parked",
    ),
    P("Login anomaly alerts", "anomaly", "easy", (60, 150, 300), (5, 7, 10), OPTIMIST, 11, True, 95, 45, 9),
    P("Caption language detection", "nlp", "easy", (20, 40, 80), (2, 3, 5), OPTIMIST, 4.5, True, 25, 44, 4),
    P(
        "Ad click prediction refresh",
        "regression",
        "hard",
        (400, 800, 1500),
        (10, 14, 20),
        OPTIMIST,
        24,
        True,
        520,
        40,
        14,
    ),
    P("Sticker search", "ranking", "easy", (10, 30, 60), (3, 4, 6), OPTIMIST, 4.8, False, None, 38, 5, "parked"),
    P(
        "Fake review detection",
        "classification",
        "hard",
        (100, 250, 500),
        (10, 14, 22),
        OPTIMIST,
        23,
        False,
        None,
        36,
        14,
        "parked",
    ),
    P("Group recommendations", "recommendation", "easy", (80, 160, 300), (6, 9, 13), OPTIMIST, 10.5, True, 90, 30, 9),
    P(
        "Video thumbnail selection",
        "vision",
        "easy",
        (40, 90, 180),
        (4, 6, 9),
        OPTIMIST,
        10,
        False,
        None,
        26,
        7,
        "parked",
    ),
    P("Churn early warning", "regression", "hard", (150, 300, 600), (8, 12, 18), OPTIMIST, 19, True, 160, 22, 12),
    # Ines: close to calibrated; some over, some under, most inside her ranges.
    P(
        "Profanity filter for usernames",
        "classification",
        "easy",
        (30, 60, 120),
        (3, 5, 8),
        CALIBRATED_EM,
        5.5,
        True,
        45,
        58,
        5,
    ),
    P("Search spelling correction", "nlp", "easy", (100, 180, 350), (6, 9, 14), CALIBRATED_EM, 10, True, 120, 52, 9),
    P("Trending topics detection", "anomaly", "hard", (60, 150, 300), (8, 12, 20), CALIBRATED_EM, 15, True, 80, 46, 12),
    P(
        "Image duplicate finder",
        "vision",
        "easy",
        (30, 70, 140),
        (4, 6, 10),
        CALIBRATED_EM,
        6.5,
        False,
        None,
        42,
        6,
        "parked",
    ),
    P(
        "Notification send-time model",
        "regression",
        "hard",
        (100, 200, 400),
        (6, 10, 16),
        CALIBRATED_EM,
        8.5,
        False,
        None,
        34,
        8,
        "parked",
    ),
    P(
        "Creator payout forecasting",
        "regression",
        "easy",
        (50, 100, 200),
        (5, 8, 12),
        CALIBRATED_EM,
        9,
        True,
        60,
        32,
        8,
    ),
    P(
        "Hate-speech appeals triage",
        "classification",
        "hard",
        (80, 160, 320),
        (10, 14, 20),
        CALIBRATED_EM,
        13,
        True,
        110,
        28,
        12,
    ),
    P(
        "Live video moderation alerts",
        "vision",
        "hard",
        (200, 400, 800),
        (14, 20, 30),
        CALIBRATED_EM,
        26,
        False,
        None,
        20,
        18,
        "parked",
    ),
    P(
        "Question answering in help centre",
        "nlp",
        "hard",
        (60, 120, 250),
        (8, 12, 18),
        CALIBRATED_EM,
        11.5,
        True,
        70,
        18,
        10,
        "iterating",
    ),
    P(
        "Follow suggestions for new users",
        "recommendation",
        "easy",
        (100, 200, 400),
        (5, 7, 11),
        CALIBRATED_EM,
        8,
        True,
        140,
        16,
        7,
    ),
)
