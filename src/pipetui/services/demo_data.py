"""The word tables behind `pipetui demo`: people, companies, offerings, phrases.

Kept apart from the generator so the data reads like the hand-written sample it
is meant to feel like, and so the generator stays short. Phone numbers use the
fictional 555 ranges; companies are made up.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class DemoContact(NamedTuple):
    """One sample person; `region` picks the currency of their deals."""

    name: str
    company: str
    role: str
    email: str
    phone: str
    source: str
    region: str
    notes: str | None = None
    tags: str | None = None


SOURCES = ("Referral", "Website", "LinkedIn", "Conference", "Cold outreach")

# Names in several scripts on purpose: they must survive storage, search and sort.
CONTACTS: tuple[DemoContact, ...] = (
    DemoContact("דנה כהן", "אורות מערכות", "סמנכ״לית שיווק", "dana.cohen@orot.co.il",
                "+972 52-555-0142", "Referral", "il", "מעדיפה שיחות בבוקר", "vip"),
    DemoContact("יוסי לוי", "Levi Logistics", "CEO", "yossi@levi-logistics.co.il",
                "+972 54-555-0199", "Conference", "il"),
    DemoContact("מיכל אברהם", "Tevel Health", "Head of Operations", "michal.a@tevel-health.co.il",
                "+972 50-555-0123", "LinkedIn", "il"),
    DemoContact("אבי מזרחי", "מזרחי ובניו", "בעלים", "avi@mizrahi-sons.co.il",
                "+972 3-555-0177", "Cold outreach", "il"),
    DemoContact("נועה פרץ", "Kikar Studio 🎨", "Creative Director", "noa@kikarstudio.com",
                "+972 58-555-0110", "Website", "il", None, "design,smb"),
    DemoContact("רון ביטון", "Galil Foods", "Procurement Manager", "ron.biton@galilfoods.co.il",
                "+972 4-555-0166", "Referral", "il"),
    DemoContact("שירה גולן", "Negev Solar", "CFO", "shira.golan@negevsolar.co.il",
                "+972 52-555-0188", "Conference", "il", None, "vip"),
    DemoContact("עמית שפירא", "Shapira Legal", "Partner", "amit@shapira-law.co.il",
                "+972 54-555-0133", "Website", "il"),
    DemoContact("ليلى حداد", "Haddad Trading", "المديرة العامة", "layla@haddadtrading.com",
                "+962 79 555 0142", "Referral", "intl", "تفضل التواصل عبر البريد", "vip"),
    DemoContact("عمر خليل", "Khalil Engineering", "Project Manager", "omar.khalil@khalil-eng.com",
                "+971 50 555 0123", "LinkedIn", "intl"),
    DemoContact("فاطمة الزهراء", "Noor Clinics", "Operations Director", "fatima@noorclinics.ae",
                "+971 4 555 0190", "Website", "intl"),
    DemoContact("يوسف منصور", "منصور وشركاه", "CFO", "youssef@mansour.co",
                "+20 10 5550 1234", "Conference", "intl"),
    DemoContact("رنا عيسى", "Nazareth Tech Hub", "Community Lead", "rana@nthub.org",
                "+972 4-555-0155", "Referral", "il"),
    DemoContact("خالد العلي", "Al-Ali Retail", "Head of IT", "khaled@alali-retail.sa",
                "+966 55 555 0178", "Cold outreach", "intl"),
    DemoContact("سلمى نصار", "Nassar Design", "Founder", "salma@nassardesign.com",
                "+961 3 555 014", "Website", "intl"),
    DemoContact("Zoë Müller", "Müller & Söhne GmbH", "Einkaufsleiterin",
                "zoe.mueller@mueller-soehne.de", "+49 30 5550 1423", "Conference", "eu"),
    DemoContact("José Álvarez", "Álvarez Logística", "Director comercial",
                "jose.alvarez@alvarezlog.es", "+34 91 555 0142", "Referral", "eu"),
    DemoContact("François Lefèvre", "Lefèvre Conseil", "Associé", "f.lefevre@lefevre-conseil.fr",
                "+33 1 55 50 14 23", "LinkedIn", "eu"),
    DemoContact("Ana Łukasiewicz", "Wisła Software", "CTO", "ana.l@wisla.pl",
                "+48 22 555 01 42", "Website", "eu"),
    DemoContact("Søren Højgaard", "Nordlys ApS", "Head of Sales", "soren@nordlys.dk",
                "+45 55 50 14 23", "Cold outreach", "eu"),
    DemoContact("Inês Gonçalves", "Atlântico Seguros", "Marketing Manager",
                "ines.goncalves@atlantico.pt", "+351 21 555 0142", "Website", "eu"),
    DemoContact("Çağla Öztürk", "Boğaziçi Tekstil", "Genel Müdür", "cagla@bogazici-tekstil.com.tr",
                "+90 212 555 0142", "Conference", "eu"),
    DemoContact("Mikuláš Dvořák", "Vltava Systems", "IT Manager", "mikulas@vltava.cz",
                "+420 2 5550 1423", "Referral", "eu"),
    DemoContact("王芳", "上海云帆科技", "采购经理", "wang.fang@yunfan.cn",
                "+86 21 5550 1423", "Conference", "intl"),
    DemoContact("李伟", "Li & Partners", "Managing Director", "li.wei@lipartners.hk",
                "+852 5550 1423", "Referral", "intl", None, "vip"),
    DemoContact("佐藤 美咲", "Sakura Robotics", "営業部長", "misaki.sato@sakura-robotics.jp",
                "+81 3-5550-1423", "LinkedIn", "intl"),
    DemoContact("田中 健", "Tanaka Foods", "Operations Manager", "ken.tanaka@tanakafoods.jp",
                "+81 6-5550-1423", "Website", "intl"),
    DemoContact("김민준", "Hanbit Electronics", "구매 담당", "minjun.kim@hanbit.kr",
                "+82 2-555-0142", "Cold outreach", "intl"),
    DemoContact("박서연", "Seoul Green Energy", "CEO", "seoyeon.park@seoulgreen.kr",
                "+82 2-555-0199", "Conference", "intl"),
    DemoContact("陈静", "Pearl River Trading", "Sales Director", "chen.jing@pearlriver.com",
                "+86 20 5550 1423", "Website", "intl"),
    DemoContact("Sarah Johnson", "Brightwave Media", "VP Marketing", "sarah.johnson@brightwave.io",
                "+1 415 555 0142", "Referral", "us", "Budget cycle starts in January", "vip"),
    DemoContact("Michael Chen", "Northwind Traders", "Purchasing Lead", "m.chen@northwind.com",
                "+1 206 555 0117", "Website", "us"),
    DemoContact("Emily Davis", "Cobalt Health", "COO", "emily.davis@cobalthealth.com",
                "+1 617 555 0190", "LinkedIn", "us"),
    DemoContact("David Smith", "Redwood Builders", "Owner", "dave@redwoodbuilders.com",
                "+1 503 555 0133", "Cold outreach", "us"),
    DemoContact("Jessica Brown", "Lumen Analytics", "Head of Data", "jess@lumenanalytics.ai",
                "+1 512 555 0164", "Conference", "us"),
    DemoContact("Tom O'Brien", "Harbor Freight Lines", "Ops Manager", "tom.obrien@harborfl.com",
                "+1 312 555 0128", "Referral", "us"),
    DemoContact("Rachel Green", "Greenleaf Coffee Co.", "Founder", "rachel@greenleaf.coffee",
                "+1 212 555 0155", "Website", "us", None, "smb"),
    DemoContact("Chris Walker", "Summit Outdoor", "eCommerce Director",
                "chris.walker@summitoutdoor.com", "+1 303 555 0172", "LinkedIn", "us"),
    DemoContact("Priya Patel", "Kite Fintech", "Product Manager", "priya@kitefintech.co.uk",
                "+44 20 5550 1423", "Conference", "intl"),
    DemoContact("Liam Murphy", "Shamrock Labs", "CTO", "liam@shamrocklabs.ie",
                "+353 1 555 0142", "Referral", "eu"),
)  # fmt: skip

# Pipelines the demo adds beside "Sales": (name, stages as (name, probability %, rotting days)).
PIPELINES: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = (
    ("Consulting", (
        {"name": "Discovery call", "probability": 10, "rotting_days": 14},
        {"name": "Scoping", "probability": 30, "rotting_days": 14},
        {"name": "Proposal sent", "probability": 55, "rotting_days": 10},
        {"name": "Contract review", "probability": 80, "rotting_days": 7},
    )),
    ("Product sales", (
        {"name": "Lead", "probability": 10, "rotting_days": 30},
        {"name": "Demo booked", "probability": 25, "rotting_days": 7},
        {"name": "Trial", "probability": 45, "rotting_days": 21},
        {"name": "Quote", "probability": 70, "rotting_days": None},
        {"name": "Order", "probability": 90, "rotting_days": 5},
    )),
)  # fmt: skip

# What is being sold, per pipeline in demo order (Sales first), and its value range.
OFFERINGS: tuple[tuple[str, ...], ...] = (
    ("Annual licence", "Team plan, 25 seats", "Enterprise upgrade", "Renewal + add-ons",
     "Pilot for the support team", "Multi-site rollout", "Analytics add-on", "Second team"),
    ("Discovery workshop", "Sales process audit", "CRM migration", "Advisory retainer",
     "Pricing strategy review", "Onboarding programme"),
    ("Starter kit", "50 field sensors", "Hardware refresh", "Spare parts order",
     "Bulk order", "Gateway bundle"),
)  # fmt: skip
VALUE_RANGES = ((4_000, 60_000), (3_000, 40_000), (1_500, 25_000))  # whole USD
# Deals of people in these regions are mostly in their currency:
# (code, rate per thousand USD, rounding). Integers: money never goes through a float.
CURRENCIES = {"il": ("ILS", 3700, 1000), "eu": ("EUR", 920, 100)}

LOST_REASONS = (
    "Went with a competitor",
    "No budget this year",
    "Timing: revisit next quarter",
    "No decision maker engaged",
    "Price too high",
    "Project cancelled",
)

FOLLOWUP_TITLES = (
    "Call to confirm budget",
    "Send revised proposal",
    "Book demo with their team",
    "Chase the signed contract",
    "Check in after the trial",
    "Share case study",
    "Confirm decision date",
    "Intro call with the CFO",
)
DONE_FOLLOWUP = "Send onboarding pack"
LEAD_FOLLOWUP = "Send intro deck"

# Where and which way each touchpoint kind usually happens.
KIND_CHANNEL: dict[str, tuple[str, str]] = {
    "ad_seen": ("LinkedIn", "in"),
    "referral_heard": ("word of mouth", "in"),
    "event_met": ("in person", "in"),
    "website_visit": ("web", "in"),
    "newsletter_signup": ("web", "in"),
    "enquiry": ("email", "in"),
    "call": ("phone", "out"),
    "meeting": ("in person", "out"),
    "demo": ("video", "out"),
    "case_study_sent": ("email", "out"),
    "quote_requested": ("email", "in"),
    "proposal_sent": ("email", "out"),
    "trial_started": ("web", "in"),
    "purchase": ("web", "in"),
    "contract_signed": ("email", "in"),
    "onboarding": ("video", "out"),
    "support_request": ("email", "in"),
    "check_in": ("phone", "out"),
    "survey": ("email", "in"),
    "repeat_purchase": ("web", "in"),
    "renewal": ("email", "in"),
    "upsell": ("video", "out"),
    "review": ("web", "in"),
    "referral_given": ("email", "in"),
    "testimonial": ("video", "in"),
}

SUMMARIES: dict[str, str] = {
    "ad_seen": "Clicked the LinkedIn ad",
    "referral_heard": "Heard about us from a customer",
    "event_met": "Met at the booth",
    "website_visit": "Read the pricing page",
    "newsletter_signup": "Signed up for the newsletter",
    "enquiry": "Asked for a call",
    "call": "Intro call, 30 min",
    "meeting": "On-site meeting with the team",
    "demo": "Product demo",
    "case_study_sent": "Sent the logistics case study",
    "quote_requested": "Asked for a quote",
    "proposal_sent": "Proposal sent",
    "trial_started": "Started the 14-day trial",
    "purchase": "Order placed",
    "contract_signed": "Contract signed 🎉",
    "onboarding": "Kick-off and onboarding",
    "support_request": "Question about invoices",
    "check_in": "Quarterly check-in",
    "survey": "NPS survey answered",
    "repeat_purchase": "Re-ordered",
    "renewal": "Renewed for another year",
    "upsell": "Added seats",
    "review": "Left a review",
    "referral_given": "Introduced us to a peer",
    "testimonial": "Recorded a testimonial",
}
BACKWARD_SUMMARY = "Re-evaluating: asked for another demo"
REOPEN_SUMMARY = "Reconnected: project back on"

NEEDS = (
    "Spreadsheets break at month end",
    "No view of the pipeline across the team",
    "Manual reporting takes two days a month",
    "Leads fall through the cracks",
    "צריכים מעקב אחרי לקוחות",
    "نحتاج إلى متابعة أفضل للعملاء",
)
BUDGET_NOTES = ("Approved for this year", "Needs CFO sign-off", "Pending next quarter")
AUTHORITY_NOTES = ("Decides with the board", "Signs alone up to this amount")

# Name parts for the scaled (benchmark) data, grouped so a name keeps one script:
# (parts said first, parts said last, separator); Chinese puts the family name first.
NAME_PARTS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("דנה", "יוסי", "מיכל", "אבי", "נועה"), ("כהן", "לוי", "מזרחי", "פרץ", "ביטון"), " "),
    (("ليلى", "عمر", "فاطمة", "يوسف", "خالد"), ("حداد", "خليل", "منصور", "العلي", "نصار"), " "),
    (("Zoë", "José", "François", "Inês", "Søren"), ("Müller", "Álvarez", "Lefèvre", "Dvořák"), " "),
    (("王", "李", "陈", "张"), ("芳", "伟", "静", "磊", "娜"), ""),
    (("Sarah", "Michael", "Emily", "David", "Jessica"), ("Johnson", "Chen", "Davis", "Smith"), " "),
)

# How the curated set is shaped.
PLAN = ((18, 7, 5), (9, 4, 2), (9, 3, 3))  # open, won, lost deals per pipeline, Sales first
LEADS = 6  # people with touchpoints but no deal yet
FOLLOWUP_DAYS = (-9, 0, 4, -2, 12, 1, -21, 7, 0, 30, -4, 2)  # due dates, from today
NPS = (10, 9, 9, 8, 7, 6, 3, 10, 9, 0)
# After a purchase: (kinds to pick one from, days after the purchase).
AFTER_PURCHASE = (
    (("onboarding",), 5),
    (("survey",), 30),
    (("check_in", "check_in", "support_request"), 60),
    (("renewal", "upsell", "repeat_purchase"), 120),
    (("review", "referral_given", "testimonial"), 150),
)
# The first touchpoint a lead source implies (cold outreach starts with our call).
AWARE = {
    "Referral": "referral_heard",
    "Website": "website_visit",
    "LinkedIn": "ad_seen",
    "Conference": "event_met",
}
# Touchpoints when a deal reaches the first, middle and last third of its stages.
MOVE_KINDS = (
    ("call",),
    ("meeting", "demo", "case_study_sent"),
    ("quote_requested", "proposal_sent", "trial_started"),
)
# BANT statuses (budget, authority, need, timeline) that give each verdict.
QUALIFIED = (("yes", "yes", "yes", "partial"), ("yes", "partial", "yes", "partial"))
IN_PROGRESS = (("partial", "unknown", "yes", "unknown"), ("yes", "partial", "partial", "unknown"))
NO_BUDGET = ("no", "unknown", "partial", "unknown")
NO_AUTHORITY = ("partial", "no", "yes", "unknown")

# The ten touchpoints of a scaled deal: the journey as far as the deal got; a won
# deal's journey runs on after the purchase.
SCALED_JOURNEY = ("ad_seen", "website_visit", "enquiry", "call", "meeting", "demo",
                  "case_study_sent", "quote_requested", "proposal_sent")  # fmt: skip
SCALED_WON = ("ad_seen", "website_visit", "enquiry", "call", "demo", "proposal_sent",
              "contract_signed")  # fmt: skip
SCALED_AFTER = ("onboarding", "survey", "renewal")
SCALED_PROFILES = (QUALIFIED[0], IN_PROGRESS[1], ("no", "partial", "yes", "yes"))
