"""Word material for realistic German organisations, people and texts of the scale data.

Place names are composed from common German prefixes, stems and regional endings; duplicates get
a qualifier the way real ones do ("Neustadt (Hessen)"). All choices go through the caller's
``random.Random`` so a seed reproduces the same names.
"""

import random

# Official state keys (first two digits of the AGS) and roughly how many municipalities each state has.
STATES: list[tuple[str, int, int]] = [
    ("SH", 1, 1106),
    ("HH", 2, 1),
    ("NI", 3, 941),
    ("HB", 4, 2),
    ("NW", 5, 396),
    ("HE", 6, 421),
    ("RP", 7, 2301),
    ("BW", 8, 1101),
    ("BY", 9, 2056),
    ("SL", 10, 52),
    ("BE", 11, 1),
    ("BB", 12, 413),
    ("MV", 13, 726),
    ("SN", 14, 418),
    ("ST", 15, 218),
    ("TH", 16, 605),
]
STATE_QUALIFIER = {
    "SH": "Holstein",
    "HH": "Hamburg",
    "NI": "Niedersachsen",
    "HB": "Bremen",
    "NW": "Westf.",
    "HE": "Hessen",
    "RP": "Pfalz",
    "BW": "Württemberg",
    "BY": "Bayern",
    "SL": "Saar",
    "BE": "Berlin",
    "BB": "Mark",
    "MV": "Mecklenburg",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "TH": "Thüringen",
}
EAST = {"BB", "MV", "SN", "ST", "TH"}
NORTH = {"SH", "NI", "HB", "HH", "MV"}
SOUTH = {"BY", "BW"}

PREFIXES = ["Ober", "Nieder", "Groß", "Klein", "Alt", "Neu", "Hohen", "Unter", "Mittel", "West", "Ost", "Süd", "Nord"]
STEMS = [
    "Ahrens", "Bern", "Birken", "Bors", "Buchen", "Dorn", "Eber", "Eichen", "Ellern", "Erlen", "Falken", "Fichten",
    "Fried", "Geis", "Hagen", "Hassel", "Hilde", "Hohn", "Holz", "Kirch", "Königs", "Lauter", "Lichten", "Linden",
    "Marien", "Mühl", "Oster", "Rams", "Ravens", "Rosen", "Rot", "Sachsen", "Schön", "Sonnen", "Stein", "Stern",
    "Tann", "Wald", "Weiden", "Weiß", "Wester", "Wolfs", "Zell", "Adel", "Bären", "Biber", "Brunn", "Burg", "Dieters",
    "Engel", "Erd", "Frei", "Gold", "Grün", "Hain", "Hart", "Heiligen", "Hirsch", "Kalt", "Kreuz", "Lang", "Lohr",
    "Main", "Mark", "Mörs", "Otter", "Reichen", "Ried", "Sand", "Schwarz", "See", "Spiegel", "Waren", "Wein",
]  # fmt: skip
ENDINGS = [
    "hausen", "heim", "dorf", "stadt", "feld", "bach", "burg", "berg", "au", "tal", "hofen", "rode", "leben",
    "stedt", "kirchen", "hagen", "furt", "brück", "born", "wald", "walde", "ingen", "stein", "weiler",
]  # fmt: skip
REGIONAL_ENDINGS = {
    "east": ["ow", "itz", "witz", "in", "zig", "enau", "ritz"],
    "north": ["büttel", "beck", "fleth", "wedel", "stedt", "siel"],
    "south": ["ing", "ach", "reuth", "hofen", "zell", "kirchen"],
}
RIVERS = ["am Main", "an der Elbe", "an der Donau", "am Rhein", "an der Weser", "an der Saale", "an der Havel"]

FIRST_NAMES = [
    "Anna", "Lena", "Julia", "Sarah", "Laura", "Katharina", "Lisa", "Johanna", "Marie", "Sophie", "Hannah", "Miriam",
    "Sabine", "Petra", "Claudia", "Andrea", "Nicole", "Stefanie", "Christina", "Birgit", "Ulrike", "Melanie", "Jana",
    "Franziska", "Elif", "Aylin", "Natalia", "Olga", "Thomas", "Michael", "Andreas", "Stefan", "Christian", "Markus",
    "Daniel", "Tobias", "Jan", "Jonas", "Lukas", "Felix", "Florian", "Matthias", "Sebastian", "Alexander", "Martin",
    "Frank", "Jürgen", "Uwe", "Dirk", "Sven", "Kai", "Timo", "Philipp", "Moritz", "Niklas", "Can", "Mehmet", "Piotr",
]  # fmt: skip
LAST_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun",
    "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid",
    "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters",
    "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger",
    "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm",
    "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel",
    "Yılmaz", "Kaya", "Nowak", "Kowalski", "Öztürk", "Demir", "Ivanović", "Petrović",
]  # fmt: skip
COMPANY_FORMS = [
    "{} Digital GmbH", "{} Energie AG", "{} Mobility GmbH", "{} Systems AG", "{} Data GmbH", "{} Consulting GmbH",
    "{} Netze GmbH", "{} Technologies GmbH",
]  # fmt: skip
MUNICIPAL_COMPANY_FORMS = ["Stadtwerke {} GmbH", "{} Verkehrsbetriebe GmbH", "Wirtschaftsförderung {} GmbH"]
RESEARCH_FORMS = [
    "Hochschule {}",
    "Institut für Stadtforschung {}",
    "Universität {}",
    "Zentrum für digitale Kommune {}",
]
NETWORK_FORMS = ["Netzwerk Smart Region {}", "Kommunales Digitalnetzwerk {}", "Arbeitskreis Smart City {}"]
FUNDER_FORMS = ["Förderbank {}", "Stiftung Digitale Kommune {}", "Landesprogramm Smarte Städte {}"]
REGION_FORMS = ["Region {}", "Metropolregion {}", "Zweckverband Region {}"]

TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ć": "c"})

SENTENCES = [
    "Bei uns hat sich bewährt, die Strategie eng mit dem integrierten Stadtentwicklungskonzept zu verzahnen.",
    "Wir haben die Formulierung fast wörtlich übernommen, setzen sie aber nur teilweise um.",
    "Die Verwaltungsspitze hat das Thema zur Chefsache erklärt, das hat vieles erleichtert.",
    "Uns fehlt noch ein fester Rhythmus für die Fortschreibung der Strategie.",
    "Die Beteiligung der Zivilgesellschaft lief über Bürgerwerkstätten und eine Online-Plattform.",
    "Mit den Kammern und der Hochschule haben wir einen gemeinsamen Beirat eingerichtet.",
    "Im Landkreis stimmen wir uns mit den kreisangehörigen Gemeinden in einer Steuerungsgruppe ab.",
    "Die Smart City Charta diente uns als Leitplanke, konkrete Ziele haben wir selbst gesetzt.",
    "Für die Umsetzung fehlt uns Personal; Fördermittel decken nur die Projektphase ab.",
    "Wir messen den Fortschritt mit einem kleinen Set an Kennzahlen, das jährlich berichtet wird.",
    "Datenschutz und Datensouveränität haben wir als eigenes Handlungsfeld aufgenommen.",
    "Die urbane Datenplattform ist das Rückgrat vieler Maßnahmen geworden.",
    "Wie gehen andere damit um, wenn Maßnahmen nach dem Förderende weiterlaufen sollen?",
    "Das kommunale Unternehmen übernimmt bei uns den Betrieb, die Stadt setzt den Rahmen.",
    "Der Stadtrat hat die Strategie einstimmig beschlossen, die Fortschreibung steht im nächsten Jahr an.",
    "Eine Klausel zur interkommunalen Zusammenarbeit fehlt bei uns bisher ganz.",
    "Wir würden gern Erfahrungen mit offenen Daten und Schnittstellen austauschen.",
    "Klimaschutz ist bei uns Querschnittsziel, jede Maßnahme wird darauf geprüft.",
    "Die Mobilitätswende ist das Thema, bei dem die Bürgerinnen und Bürger am meisten mitreden wollten.",
    "Unsere Erfahrung: kleine, sichtbare Projekte schaffen Vertrauen für die großen Vorhaben.",
    "Wir haben die Strategie bewusst schlank gehalten und verweisen auf die Fachplanungen.",
    "Die Zusammenarbeit mit der Wirtschaft lief vor allem über die Wirtschaftsförderung.",
    "Ein externer Dienstleister hat den Prozess moderiert, die Inhalte kamen aus der Verwaltung.",
    "Bei der Aktualisierung wollen wir diesmal auch Jugendliche gezielt ansprechen.",
    "Gute Frage – bei uns ist das noch nicht entschieden.",
    "Das sehen wir genauso, besonders was die Verstetigung angeht.",
    "Können Sie das Dokument zur Governance-Struktur mit der Runde teilen?",
    "Wir haben mit einem jährlichen Fortschrittsbericht an den Rat gute Erfahrungen gemacht.",
    "Die Abstimmung mit dem Land war aufwendiger als gedacht.",
    "Unsere Strategie wurde zusammen mit der Digitalstrategie des Landkreises erarbeitet.",
]
NOTE_SENTENCES = [
    "Die meisten Strategien greifen die Klausel auf, setzen sie aber unterschiedlich konkret um.",
    "Feste Zuständigkeiten in der Verwaltung sind der wichtigste Erfolgsfaktor.",
    "Mehrere Teilnehmende wünschen sich eine gemeinsame Vorlage für die Fortschreibung.",
    "Kleinere Gemeinden profitieren besonders von der Zusammenarbeit im Landkreis.",
    "Offene Frage: Wie wird die Umsetzung nach dem Ende der Förderung finanziert?",
    "Beteiligung gelingt, wenn die Verwaltung moderiert statt allein zu entscheiden.",
    "Kennzahlen werden selten veröffentlicht; hier besteht Austauschbedarf.",
    "Die Runde empfiehlt, die Klausel bei der nächsten Fortschreibung zu präzisieren.",
]
QUOTES = [
    "Die Strategie wird alle zwei Jahre überprüft und bei Bedarf fortgeschrieben.",
    "Grundlage ist das integrierte Stadtentwicklungskonzept.",
    "Wir orientieren uns an den Leitlinien der Smart City Charta.",
    "Alle relevanten Akteure aus Wissenschaft, Wirtschaft und Zivilgesellschaft wurden beteiligt.",
    "Daten der Kommune werden als offene Daten bereitgestellt, soweit rechtlich möglich.",
    "Jede Maßnahme wird auf ihren Beitrag zum Klimaschutz geprüft.",
]

# Clause library beyond the clauses known from the demo series (§ 1–§ 6).
CLAUSE_TITLES = [
    "Offene Daten und urbane Datenplattform",
    "Datenschutz und Datensouveränität",
    "Klimaschutz als Querschnittsziel",
    "Interkommunale Zusammenarbeit",
    "Verstetigung nach dem Förderende",
    "Messbare Ziele und Kennzahlen",
    "Digitale Teilhabe und Barrierefreiheit",
    "Governance und Zuständigkeiten in der Verwaltung",
    "Mobilitätswende und vernetzte Verkehrssysteme",
    "Gemeinwohlorientierung der Digitalisierung",
    "Open Source und offene Standards",
    "Resilienz kritischer Infrastrukturen",
    "Kompetenzaufbau in der Verwaltung",
    "Rolle kommunaler Unternehmen",
    "Experimentierräume und Reallabore",
    "Finanzierung und Haushaltsplanung",
    "Kommunikation und Öffentlichkeitsarbeit",
    "Ländliche Räume und Stadt-Land-Beziehungen",
    "Energieversorgung und Wärmewende",
    "Bildung und digitale Schulen",
    "Gesundheit und Pflege im Quartier",
    "Nachhaltige Beschaffung digitaler Lösungen",
    "Evaluation und Wirkungsmessung",
    "Beteiligung von Kindern und Jugendlichen",
]

SERIES = [
    ("Klauseln der Smart-City-Strategien – Bundesweite Runde", "bundesweite-runde"),
    ("Smarte Landkreise im Austausch", "smarte-landkreise"),
    ("Datenplattformen und offene Daten", "datenplattformen"),
    ("Beteiligung und Governance", "beteiligung-governance"),
    ("Klimaschutz in Smart-City-Strategien", "klimaschutz-strategien"),
    ("Kleine Gemeinden, große Strategien", "kleine-gemeinden"),
    ("Mobilität und vernetzte Infrastruktur", "mobilitaet-infrastruktur"),
    ("Verstetigung nach dem Förderprogramm", "verstetigung"),
]
ROUND_TITLES = [
    "Auftakt",
    "Beteiligung und Governance",
    "Daten und Plattformen",
    "Fortschreibung und Wirkung",
    "Rückblick und Ausblick",
    "Zusammenarbeit in der Region",
    "Finanzierung und Verstetigung",
    "Klimaschutz und Resilienz",
]


def ascii_slug(text: str) -> str:
    """A URL slug with German transliteration (ü → ue)."""
    lowered = text.lower().translate(TRANSLITERATION)
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in lowered)
    return "-".join(part for part in cleaned.split("-") if part)


def place_name(*, rng: random.Random, state: str) -> str:
    endings = ENDINGS
    if state in EAST:
        endings = ENDINGS + REGIONAL_ENDINGS["east"]
    elif state in NORTH:
        endings = ENDINGS + REGIONAL_ENDINGS["north"]
    elif state in SOUTH:
        endings = ENDINGS + REGIONAL_ENDINGS["south"]
    stem = rng.choice(STEMS)
    name = stem + rng.choice(endings)
    roll = rng.random()
    if roll < 0.18:
        name = rng.choice(PREFIXES) + name.lower()
    elif roll < 0.22:
        name = "Bad " + name
    elif roll < 0.25:
        name = f"{name} {rng.choice(RIVERS)}"
    return name


def unique_place_name(*, rng: random.Random, state: str, taken: set[str]) -> str:
    """A place name not yet in ``taken``; repeats get the state's qualifier as real ones do."""
    for _ in range(20):
        name = place_name(rng=rng, state=state)
        if name not in taken:
            break
        qualified = f"{name} ({STATE_QUALIFIER[state]})"
        if qualified not in taken:
            name = qualified
            break
    else:  # pragma: no cover - the name space is far larger than any realistic request
        name = f"{name} {len(taken)}"
    taken.add(name)
    return name


def person_name(*, rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def text(*, rng: random.Random, sentences: list[str], low: int, high: int) -> str:
    return " ".join(rng.choice(sentences) for _ in range(rng.randint(low, high)))
