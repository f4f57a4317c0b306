"""The demo portfolio's backlog as plain data: about 30 ML projects of a social network, their assessments and
reuse links (``demo.demo_load`` writes them through the services).

Units: impact in k$ per year, effort in person-weeks, staffing in people, target dates in weeks after the roadmap
start. The projects come from the seed articles: bullying-comment detection and its gray-area treatments, the spam
"Report" button that produces training labels, label agreement rates, "the laziest way to 10x a KPI", derived data
reused by other projects.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoAssessment:
    """An EM assessment: tag, effort range (person-weeks) and data readiness."""

    tag: str
    effort: tuple[float, float, float]
    rationale: str
    examples: tuple[int, int] | None = None  # labelled examples (needed, available)
    agreement: tuple[float, float] | None = None  # label agreement rate (target, current)
    success_probability_override: float | None = None


@dataclass(frozen=True)
class DemoProject:
    """A project of the demo backlog; impact in k$ per year, provisional effort in person-weeks."""

    name: str
    status: str
    problem_type: str
    owner: str
    impact: tuple[float, float, float]
    summary: str
    user_problem: str
    output_kpi: str
    input_metrics: str
    lazy_10x_note: str = ""
    staffing: int = 2
    target_weeks: int | None = None
    assessment: DemoAssessment | None = None
    provisional_effort: tuple[float, float, float] | None = None
    earlier_assessments: tuple[DemoAssessment, ...] = field(default=())


@dataclass(frozen=True)
class DemoLink:
    """``consumer`` reuses what ``producer`` derives, saving ``fraction`` of its effort."""

    producer: str
    consumer: str
    kind: str
    fraction: float
    note: str


A = DemoAssessment
LANG_ID = "Language identification"
REPORT = 'Spam "Report" button'
RATER_TOOL = "Rater labelling tool with agreement tracking"
BULLYING = "Bullying-comment detection in comments"
SEARCH = "Search ranking"
SPAM = "Spam classifier for posts"
FEED = "Feed ranking v2 (long-term value)"
FRAUD = "Payment fraud detection"
NSFW = "Image NSFW classifier"
DUPLICATES = "Duplicate-account detection"
MODERATION = "Moderation queue prioritisation"

PROJECTS: tuple[DemoProject, ...] = (
    # Shipped and iterating: producers whose data, signals and models others reuse.
    DemoProject(
        LANG_ID,
        "shipped",
        "nlp",
        "Priya",
        (80, 150, 250),
        summary="Tag every post and comment with its language (170 languages) at write time.",
        user_problem="Readers see posts in languages they cannot read; reviewers get queues in the wrong language.",
        output_kpi="Share of posts shown in a language the reader understands",
        input_metrics="Per-language precision on the golden set; p99 tagging latency",
        assessment=A(
            "easy",
            (4, 6, 10),
            "Off-the-shelf fastText model fine-tuned on our posts.",
            examples=(500_000, 2_000_000),
            agreement=(0.95, 0.97),
        ),
    ),
    DemoProject(
        REPORT,
        "shipped",
        "other",
        "Adrienne",
        (40, 90, 200),
        summary='A "Report" button on every post; each report becomes a candidate label for the spam models.',
        user_problem="People see spam and have no way to tell us; the spam model starves for fresh examples.",
        output_kpi="Confirmed spam labels collected per week",
        input_metrics="Reports per 1k impressions; share of reports confirmed by raters",
        lazy_10x_note="Nag users to report after every post: reports 10x, but most are noise. "
        "Count confirmed labels, not raw reports.",
        assessment=A("easy", (3, 5, 8), "Product feature plus a labelling pipeline; no modelling risk."),
    ),
    DemoProject(
        RATER_TOOL,
        "shipped",
        "other",
        "Lena",
        (30, 60, 120),
        summary="Internal tool for raters with double labelling and a live agreement rate per guideline.",
        user_problem="Operations cannot tell which guidelines are ambiguous; label quality is unknown.",
        output_kpi="Label agreement rate across raters",
        input_metrics="Items labelled per rater-hour; guideline revisions per month",
        lazy_10x_note='Make every guideline "when in doubt, say not harmful": agreement hits 100% and the '
        "labels are useless. Track agreement on the hard, gray-area items.",
        assessment=A("easy", (4, 6, 9), "A CRUD tool; agreement maths is simple."),
    ),
    DemoProject(
        BULLYING,
        "iterating",
        "classification",
        "Alexis",
        (300, 600, 1200),
        staffing=3,
        summary="Apply the company-wide bullying model (built by Integrity) to News Feed comments.",
        user_problem="People stop commenting after they are bullied in comment threads.",
        output_kpi="Bullying comments seen per 1k comment views",
        input_metrics="Model precision/recall on comments; rater-confirmed reports of bullying",
        assessment=A(
            "easy",
            (6, 10, 16),
            "Mature model exists; the work is plumbing and calibration on comments.",
            examples=(100_000, 400_000),
            agreement=(0.85, 0.88),
        ),
    ),
    DemoProject(
        SEARCH,
        "iterating",
        "ranking",
        "Daniel",
        (800, 1500, 3000),
        staffing=4,
        summary="Learning-to-rank model for people, groups and posts search.",
        user_problem="Searchers do not find the person or group they mean on the first page.",
        output_kpi="Search session success rate",
        input_metrics="Clicks at position 1-3; reformulation rate; latency p95",
        lazy_10x_note="Rank sponsored pages first: revenue per search goes up, success rate collapses.",
        assessment=A("hard", (20, 30, 50), "Feature work on a live ranker; gains come from new signals."),
    ),
    # Building.
    DemoProject(
        SPAM,
        "building",
        "classification",
        "Adrienne",
        (400, 700, 1100),
        staffing=3,
        target_weeks=10,
        summary="Classify new posts as spam using the labels the Report button collects.",
        user_problem="Spam posts reach feeds before anyone reports them.",
        output_kpi="Spam impressions per 1k feed impressions",
        input_metrics="Precision at the action threshold; confirmed-report volume; appeal rate",
        assessment=A(
            "easy",
            (8, 12, 20),
            "Report labels make this a standard supervised problem now.",
            examples=(200_000, 150_000),
            agreement=(0.9, 0.86),
        ),
        earlier_assessments=(
            A(
                "hard",
                (12, 20, 35),
                "Before the Report button we had too few labelled examples.",
                examples=(200_000, 20_000),
                agreement=(0.9, 0.78),
            ),
        ),
    ),
    DemoProject(
        FEED,
        "building",
        "ranking",
        "Alexis",
        (1000, 1800, 2800),
        staffing=4,
        target_weeks=26,
        summary="Rank the feed for long-term value (days active) rather than next-click probability.",
        user_problem="The feed shows what gets clicks now, not what people are glad they saw.",
        output_kpi="Days active per user per week",
        input_metrics='Hides per 1k impressions; "worth your time" survey score; session length',
        lazy_10x_note="Fill the feed with outrage: sessions go up, trust goes down. Cap it with hides per 1k "
        "impressions as a guardrail.",
        assessment=A("hard", (30, 45, 80), "Long-term labels are slow to collect; offline metrics correlate weakly."),
    ),
    DemoProject(
        FRAUD,
        "building",
        "anomaly",
        "Marco",
        (300, 600, 1000),
        target_weeks=16,
        summary="Score ad payments and creator payouts for fraud before they settle.",
        user_problem="Stolen cards buy ads; chargebacks cost money and advertisers' trust.",
        output_kpi="Chargeback losses (k$ per month)",
        input_metrics="Precision at block threshold; false-decline rate; manual review volume",
        lazy_10x_note="Decline every new advertiser: losses fall to zero and so does revenue. "
        "Track false declines beside losses.",
        assessment=A(
            "hard",
            (12, 18, 30),
            "Adversarial and label delay of 60-90 days for chargebacks.",
            examples=(50_000, 30_000),
        ),
    ),
    # Discovery.
    DemoProject(
        "Gray-area bullying: rank lower",
        "discovery",
        "ranking",
        "Alexis",
        (60, 150, 300),
        target_weeks=8,
        summary="Comments scoring in the gray area stay visible but are ranked below all other comments.",
        user_problem="Borderline comments hurt, but hiding them silences legitimate disagreement.",
        output_kpi="Bullying comments seen per 1k comment views",
        input_metrics="Reply rate on demoted comments; reports of bullying; threshold used",
        lazy_10x_note="Rank every comment with a negative word last: reports fall, so do replies. "
        "Watch comment reply rate.",
        assessment=A("easy", (2, 3, 6), "Reuses the bullying score; the work is choosing the threshold."),
    ),
    DemoProject(
        "Machine translation of posts",
        "discovery",
        "nlp",
        "Priya",
        (200, 500, 900),
        staffing=3,
        summary='Offer "See translation" under posts in a language the reader does not read.',
        user_problem="International friends' posts are unreadable.",
        output_kpi="Engagement with foreign-language posts",
        input_metrics="BLEU on our domain; translation clicks; thumbs-down on translations",
        assessment=A(
            "hard",
            (16, 26, 45),
            "Slang and code-switching; parallel data is scarce for small languages.",
            examples=(5_000_000, 2_000_000),
        ),
    ),
    DemoProject(
        MODERATION,
        "discovery",
        "ranking",
        "Lena",
        (150, 300, 500),
        summary="Order the human review queue by predicted harm x reach so raters see the worst first.",
        user_problem="Harmful posts wait in a first-in-first-out queue while they go viral.",
        output_kpi="Harmful impressions before action",
        input_metrics="Median time to action on severe reports; queue size; rater throughput",
        assessment=A("easy", (5, 8, 14), "A scoring layer over existing classifiers."),
    ),
    DemoProject(
        "Hacked-account recovery",
        "discovery",
        "anomaly",
        "Marco",
        (100, 250, 450),
        target_weeks=30,
        summary="Detect account takeovers from login and behaviour anomalies and walk owners through recovery.",
        user_problem="Hacked accounts spam friends for days before the owner gets back in.",
        output_kpi="Median hours from takeover to recovery",
        input_metrics="Takeover detection recall; recovery-flow completion; support tickets",
        assessment=A(
            "hard", (10, 16, 30), "Few confirmed takeovers to learn from; attackers adapt.", examples=(20_000, 6_000)
        ),
    ),
    DemoProject(
        "Query autocomplete",
        "discovery",
        "ranking",
        "Daniel",
        (150, 350, 700),
        summary="Suggest completions as people type in search, personalised by their graph.",
        user_problem="Names are hard to spell; typing on phones is slow.",
        output_kpi="Search session success rate",
        input_metrics="Suggestion acceptance rate; keystrokes saved; offensive-suggestion reports",
        assessment=A("easy", (6, 10, 16), "Standard prefix ranking on top of search features."),
    ),
    # Ideas.
    DemoProject(
        "Gray-area bullying: hide comment",
        "idea",
        "classification",
        "Alexis",
        (50, 120, 250),
        summary="Hide gray-area comments from everyone but their author.",
        user_problem="Victims still see borderline bullying under their posts.",
        output_kpi="Bullying comments seen per 1k comment views",
        input_metrics="Appeals of hidden comments; reply rate; threshold used",
        lazy_10x_note="Hide everything above a score of 0.1: bullying views go to zero and so does conversation.",
        assessment=A(
            "hard",
            (3, 5, 8),
            "Cheap to build, but a false positive silences someone: needs a precise threshold and an appeal path.",
            agreement=(0.9, 0.8),
        ),
    ),
    DemoProject(
        'Gray-area bullying: collapse behind "see comment"',
        "idea",
        "classification",
        "Alexis",
        (60, 140, 260),
        summary="Collapse gray-area comments; readers can tap to see them.",
        user_problem="Readers want to avoid borderline comments without losing the thread.",
        output_kpi="Bullying comments seen per 1k comment views",
        input_metrics="Expand rate of collapsed comments; reports after expanding",
        assessment=A("easy", (2, 4, 7), "UI treatment over the existing score."),
    ),
    DemoProject(
        "People you may know",
        "idea",
        "recommendation",
        "Sam",
        (400, 900, 1600),
        staffing=3,
        summary="Suggest people to connect with from mutual friends, groups and contacts.",
        user_problem="New users have an empty feed because they have no friends on the platform yet.",
        output_kpi="Friend requests accepted and interacted with within 30 days",
        input_metrics='Suggestion click rate; request acceptance rate; "don\'t suggest" taps',
        lazy_10x_note="Suggest everyone sharing one contact: invites 10x, most are ignored or feel creepy. "
        'Hence "accepted and interacted with" as the KPI.',
        assessment=A("hard", (20, 30, 50), "Graph features at scale; privacy review on contact import."),
    ),
    DemoProject(
        "Video autoplay next",
        "idea",
        "recommendation",
        "Yuki",
        (300, 800, 1500),
        staffing=3,
        summary="When a video ends, autoplay the next one chosen for this viewer.",
        user_problem="Viewers drop off after one video because choosing the next is effort.",
        output_kpi="Minutes of video watched",
        input_metrics='Autoplay stop rate; "regretted minutes" survey; completion rate',
        lazy_10x_note="The laziest way to 10x minutes watched is this project itself: autoplay anything. "
        "Guard it with the regretted-minutes survey.",
        assessment=A("easy", (8, 12, 20), "Candidate generation and ranking exist in the feed stack."),
    ),
    DemoProject(
        "Ad click prediction",
        "idea",
        "classification",
        "Tomás",
        (1000, 2000, 3000),
        staffing=4,
        summary="Predict the click and conversion probability of each ad for the auction.",
        user_problem="Irrelevant ads annoy people and waste advertisers' budgets.",
        output_kpi="Advertiser conversions per 1k ad impressions",
        input_metrics="Log loss; calibration; ad hides per 1k impressions",
        lazy_10x_note="Show more ads to people who misclick: clicks 10x, conversions don't. Optimise conversions.",
        assessment=A("hard", (25, 40, 70), "Calibration and feedback loops with the auction are subtle."),
    ),
    DemoProject(
        "Churn prediction",
        "idea",
        "regression",
        "Sam",
        (50, 150, 400),
        summary="Predict which users will stop visiting in the next 30 days so growth can win them back.",
        user_problem="We notice people leaving only after they are gone.",
        output_kpi="30-day retention of users flagged at risk",
        input_metrics="AUC on the holdout month; win-back campaign uplift",
        provisional_effort=(6, 10, 20),
    ),
    DemoProject(
        NSFW,
        "idea",
        "vision",
        "Lena",
        (150, 300, 600),
        summary="Flag nudity and graphic images at upload for blur-and-review.",
        user_problem="Graphic images appear in feeds before a report reaches a reviewer.",
        output_kpi="NSFW impressions per 1M image impressions",
        input_metrics="Precision at the blur threshold; reviewer overturn rate",
        assessment=A(
            "easy",
            (6, 10, 18),
            "Well-studied vision task; pretrained models are strong.",
            examples=(300_000, 250_000),
            agreement=(0.92, 0.9),
        ),
    ),
    DemoProject(
        DUPLICATES,
        "idea",
        "anomaly",
        "Marco",
        (100, 200, 400),
        summary="Link accounts run by the same person (ban evasion, fake engagement).",
        user_problem="Banned spammers come back the next day with a new account.",
        output_kpi="Repeat offenders per 1k enforcement actions",
        input_metrics="Precision of linked pairs; accounts linked per day",
        assessment=A("hard", (8, 14, 24), "Device and behaviour signals are noisy; strict precision needed."),
    ),
    DemoProject(
        "Notification send-time optimisation",
        "idea",
        "regression",
        "Yuki",
        (80, 200, 400),
        summary="Send each push notification when this person is most likely to open it.",
        user_problem="Notifications arrive at night or in meetings and are swiped away.",
        output_kpi="Sessions started from notifications, net of notification opt-outs",
        input_metrics="Open rate; opt-out rate; notifications sent per user per day",
        lazy_10x_note="Send more notifications: opens 10x and so do uninstalls. The KPI subtracts opt-outs.",
        provisional_effort=(4, 6, 12),
    ),
    DemoProject(
        "Customer-support ticket routing",
        "idea",
        "nlp",
        "Sam",
        (40, 80, 150),
        summary="Route support tickets to the right queue from their text.",
        user_problem="Tickets bounce between queues; people wait days for an answer.",
        output_kpi="Median hours to first useful answer",
        input_metrics="Routing accuracy; re-route rate",
        provisional_effort=(3, 5, 8),
    ),
    DemoProject(
        "Hashtag suggestions",
        "idea",
        "nlp",
        "Priya",
        (20, 50, 100),
        summary="Suggest hashtags while people write a post.",
        user_problem="Posts are hard to discover without tags.",
        output_kpi="Share of posts discovered through a hashtag",
        input_metrics="Suggestion acceptance rate",
        assessment=A("easy", (3, 5, 9), "Co-occurrence model over existing tagged posts."),
    ),
    DemoProject(
        "Smart reply suggestions in comments",
        "idea",
        "nlp",
        "Yuki",
        (50, 100, 300),
        summary="Offer three short replies under a comment.",
        user_problem="Replying on a phone is slow.",
        output_kpi="Replies per 1k comment views",
        input_metrics="Suggestion acceptance rate; reports on suggested replies",
    ),
    DemoProject(
        "Event recommendations",
        "idea",
        "recommendation",
        "Sam",
        (20, 60, 150),
        summary="Recommend local events friends are going to.",
        user_problem="People miss events their friends attend.",
        output_kpi="Event RSVPs attended",
        input_metrics="Recommendation click rate; RSVP rate",
    ),
    DemoProject(
        "Predict viral posts before they are posted",
        "idea",
        "regression",
        "Tomás",
        (500, 1000, 2000),
        summary="Score drafts for virality so creators can improve them before posting.",
        user_problem="Creators cannot tell which post will take off.",
        output_kpi="Share of creators' posts reaching 10x their median reach",
        input_metrics="Rank correlation of predicted and actual reach",
        assessment=A(
            "impossible",
            (20, 40, 80),
            "Virality depends on who shares it after posting; the draft "
            "carries almost no signal. Offline tests were at chance.",
        ),
    ),
    DemoProject(
        "Automatic misinformation verdicts",
        "idea",
        "classification",
        "Lena",
        (800, 1500, 3000),
        staffing=4,
        summary="Label posts true or false automatically, without fact-checkers.",
        user_problem="False claims spread faster than fact-checkers can review them.",
        output_kpi="Views of posts later rated false, per 1M views",
        input_metrics="Agreement with fact-checkers; appeal rate",
        assessment=A(
            "impossible",
            (30, 50, 80),
            "Ground truth changes and expert raters disagree; agreement is far below what an automatic verdict needs.",
            agreement=(0.9, 0.55),
        ),
    ),
    # Parked.
    DemoProject(
        "Face auto-tagging in photos",
        "parked",
        "vision",
        "Yuki",
        (200, 400, 800),
        staffing=3,
        summary="Suggest tagging friends recognised in uploaded photos.",
        user_problem="Tagging friends in albums is tedious.",
        output_kpi="Tags added per photo uploaded",
        input_metrics="Suggestion acceptance rate; untag rate",
        assessment=A("hard", (20, 30, 50), "Technically feasible; parked pending the privacy review."),
    ),
    DemoProject(
        "Advertiser sentiment dashboard",
        "parked",
        "nlp",
        "Tomás",
        (20, 50, 100),
        summary="Show advertisers what people say about their brand in public posts.",
        user_problem="Advertisers ask how their campaigns are perceived.",
        output_kpi="Advertiser retention",
        input_metrics="Dashboard weekly active advertisers",
        provisional_effort=(8, 12, 20),
    ),
)

LINKS: tuple[DemoLink, ...] = (
    DemoLink(LANG_ID, "Machine translation of posts", "requires", 0.4, "Source language comes from the tagger."),
    DemoLink(LANG_ID, MODERATION, "benefits", 0.15, "Route items to reviewers who read the language."),
    DemoLink(REPORT, SPAM, "requires", 0.35, "Confirmed reports are the training labels."),
    DemoLink(RATER_TOOL, SPAM, "benefits", 0.1, "Double labelling of reported posts."),
    DemoLink(RATER_TOOL, NSFW, "benefits", 0.15, "Blur guidelines and agreement tracking."),
    DemoLink(BULLYING, "Gray-area bullying: rank lower", "requires", 0.4, "Uses the bullying score."),
    DemoLink(BULLYING, "Gray-area bullying: hide comment", "requires", 0.5, "Uses the bullying score."),
    DemoLink(
        BULLYING, 'Gray-area bullying: collapse behind "see comment"', "requires", 0.5, "Uses the bullying score."
    ),
    DemoLink(SEARCH, "Query autocomplete", "benefits", 0.25, "Reuses search features and the query log."),
    DemoLink(FEED, "Video autoplay next", "benefits", 0.2, "Reuses candidate generation and the ranker."),
    DemoLink(DUPLICATES, FRAUD, "benefits", 0.2, "Linked accounts are a strong fraud signal."),
    DemoLink(FRAUD, "Hacked-account recovery", "requires", 0.3, "Shares the anomaly scoring service."),
    DemoLink(NSFW, MODERATION, "benefits", 0.2, "NSFW score is one of the harm signals."),
    DemoLink(SPAM, MODERATION, "benefits", 0.1, "Spam score is one of the harm signals."),
)

# Estimates revised after the EM's assessment: they show in the history and the feasibility queue.
REVISED_IMPACT = {"Query autocomplete": (200, 450, 900), FEED: (1200, 2000, 3000)}
