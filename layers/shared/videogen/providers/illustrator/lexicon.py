"""The illustrator's vocabulary: one table of what it can draw and the words that ask for it.

Every word of a prompt is reduced to a lemma (``lemma``: plurals, -ing, -ed, -er...), and runs of up to
three lemmas are looked up in ``PHRASES``, built from ``SUBJECTS``, ``TIMES``, ``SETTINGS`` and ``STYLES``.
Nothing else in the illustrator lists words: the planner, the styles and the tests read these tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Kind(StrEnum):
    """What part of a scene a subject is."""

    PLACE = "place"  # decides the landscape behind everything (sea, city, desert, underwater...)
    LANDMARK = "landmark"  # a large object standing in the landscape (lighthouse, castle, volcano...)
    THING = "thing"  # a smaller object or creature (car, dog, people...)
    SKY = "sky"  # drawn in the sky (moon, planet, birds, rainbow)
    WEATHER = "weather"  # drawn over everything (rain, fog, snow...)
    ROOM = "room"  # an interior


@dataclass(frozen=True, slots=True)
class Subject:
    """A drawable subject: its kind, the place it implies when the prompt names none, and its words."""

    kind: Kind
    words: tuple[str, ...]
    place: str = ""


#: The one table of subjects. A word here is written as its lemma would read (see ``lemma``); a phrase is
#: several words. Order matters only for ties: the first subject a phrase names wins.
SUBJECTS: Final[dict[str, Subject]] = {
    # places
    "sea": Subject(
        Kind.PLACE,
        (
            "sea",
            "ocean",
            "wave",
            "beach",
            "shore",
            "coast",
            "bay",
            "seaside",
            "tide",
            "lake",
            "reef",
            "surf",
            "sail",
            "cove",
            "seawater",
        ),
    ),
    "island": Subject(Kind.PLACE, ("island", "isle", "atoll", "archipelago", "volcanic island"), "sea"),
    "city": Subject(
        Kind.PLACE,
        (
            "city",
            "town",
            "street",
            "building",
            "skyline",
            "urban",
            "downtown",
            "skyscraper",
            "avenue",
            "alley",
            "neighbourhood",
            "neighborhood",
            "metropolis",
            "stairwell",
            "apartment",
            "corner",
            "lit window",
            "lamppost",
            "streetlight",
            "sodium street light",
            "street light",
            "village",
            "square",
        ),
    ),
    "mountain": Subject(
        Kind.PLACE,
        (
            "mountain",
            "peak",
            "alp",
            "summit",
            "cliff",
            "valley",
            "slope",
            "ridge",
            "glacier",
            "highland",
            "boulder",
        ),
    ),
    "forest": Subject(
        Kind.PLACE,
        ("forest", "tree", "wood", "jungle", "grove", "woodland", "pine", "oak", "park", "garden", "orchard"),
    ),
    "desert": Subject(Kind.PLACE, ("desert", "sand", "dune", "canyon", "oasis", "sahara", "cactus", "camel")),
    "countryside": Subject(
        Kind.PLACE,
        (
            "countryside",
            "meadow",
            "farm",
            "farmland",
            "pasture",
            "field",
            "grass",
            "rural",
            "prairie",
            "plain",
            "land",
            "hill",
            "hillside",
        ),
    ),
    "space": Subject(
        Kind.PLACE,
        (
            "space",
            "outer space",
            "galaxy",
            "cosmos",
            "universe",
            "nebula",
            "astronaut",
            "orbit",
            "spaceship",
            "spacecraft",
        ),
    ),
    "underwater": Subject(
        Kind.PLACE,
        (
            "underwater",
            "under water",
            "undersea",
            "seabed",
            "seafloor",
            "coral",
            "deep sea",
            "ocean floor",
            "dive",
            "diver",
            "scuba",
            "submarine",
            "seaweed",
        ),
    ),
    "cave": Subject(Kind.PLACE, ("cave", "cavern", "grotto", "tunnel", "underground", "mine")),
    # landmarks
    "lighthouse": Subject(
        Kind.LANDMARK,
        ("lighthouse", "beacon", "lantern room", "lighthouse keeper", "keeper", "lightship", "gull rock"),
        "sea",
    ),
    "volcano": Subject(
        Kind.LANDMARK,
        (
            "volcano",
            "volcanic",
            "eruption",
            "erupt",
            "magma",
            "molten rock",
            "crater",
            "ash column",
            "volcanologist",
            "seismograph",
            "tremor",
            "caldera",
        ),
        "mountain",
    ),
    "lava": Subject(
        Kind.LANDMARK,
        ("lava", "molten", "magma", "lava flow", "eruption", "erupt", "molten rock"),
        "mountain",
    ),
    "station": Subject(
        Kind.LANDMARK,
        (
            "station",
            "railway station",
            "train station",
            "platform",
            "depot",
            "terminal",
            "departure",
            "departures board",
            "railway",
        ),
        "city",
    ),
    "harbour": Subject(
        Kind.LANDMARK,
        ("harbour", "harbor", "port", "pier", "quay", "dock", "wharf", "marina", "jetty", "fishing village"),
        "sea",
    ),
    "bridge": Subject(Kind.LANDMARK, ("bridge", "viaduct", "aqueduct"), "countryside"),
    "castle": Subject(
        Kind.LANDMARK,
        (
            "castle",
            "fortress",
            "fort",
            "palace",
            "citadel",
            "kingdom",
            "king",
            "queen",
            "knight",
            "princess",
            "medieval",
            "rampart",
        ),
        "countryside",
    ),
    "house": Subject(
        Kind.LANDMARK,
        (
            "house",
            "cottage",
            "cabin",
            "home",
            "hut",
            "farmhouse",
            "barn",
            "chalet",
            "bungalow",
            "shack",
            "villa",
        ),
        "countryside",
    ),
    "market": Subject(
        Kind.LANDMARK,
        ("market", "bazaar", "stall", "marketplace", "vendor", "fair", "market square", "merchant"),
        "city",
    ),
    "tower": Subject(
        Kind.LANDMARK,
        ("tower", "spire", "clock tower", "belfry", "steeple", "minaret", "turret", "church", "cathedral"),
        "city",
    ),
    "windmill": Subject(Kind.LANDMARK, ("windmill", "mill", "wind turbine"), "countryside"),
    "tent": Subject(Kind.LANDMARK, ("tent", "camp", "camping", "campsite", "tepee", "teepee"), "forest"),
    "waterfall": Subject(Kind.LANDMARK, ("waterfall", "cascade", "falls", "cataract"), "mountain"),
    "river": Subject(
        Kind.LANDMARK, ("river", "stream", "creek", "brook", "canal", "riverbank", "delta"), "countryside"
    ),
    "road": Subject(
        Kind.LANDMARK,
        (
            "road",
            "highway",
            "motorway",
            "lane",
            "path",
            "route",
            "freeway",
            "crossroad",
            "drive",
            "journey",
            "trip",
        ),
        "countryside",
    ),
    "flowers": Subject(
        Kind.LANDMARK,
        (
            "flower",
            "blossom",
            "bloom",
            "tulip",
            "rose",
            "daisy",
            "poppy",
            "lavender",
            "sunflower",
            "wildflower",
            "flower field",
            "meadow flower",
        ),
        "countryside",
    ),
    "wheat": Subject(
        Kind.LANDMARK,
        (
            "wheat",
            "wheat field",
            "grain",
            "harvest",
            "cornfield",
            "barley",
            "crop",
            "hay",
            "haystack",
            "corn",
        ),
        "countryside",
    ),
    # things
    "train": Subject(
        Kind.THING,
        (
            "train",
            "locomotive",
            "carriage",
            "railcar",
            "wagon",
            "rail",
            "track",
            "platform",
            "steam engine",
            "tram",
            "northbound",
            "southbound",
            "express",
            "dining car",
            "sleeper",
        ),
        "countryside",
    ),
    "ship": Subject(
        Kind.THING,
        (
            "ship",
            "vessel",
            "liner",
            "steamer",
            "ferry",
            "freighter",
            "galleon",
            "sailing ship",
            "tanker",
            "cruise",
            "fleet",
            "navy",
            "pirate",
        ),
        "sea",
    ),
    "boat": Subject(
        Kind.THING,
        (
            "boat",
            "rowboat",
            "dinghy",
            "canoe",
            "kayak",
            "yacht",
            "sailboat",
            "fishing boat",
            "raft",
            "gondola",
            "crew",
            "fisherman",
            "supply boat",
            "row",
        ),
        "sea",
    ),
    "car": Subject(
        Kind.THING,
        (
            "car",
            "automobile",
            "taxi",
            "cab",
            "jeep",
            "truck",
            "van",
            "vehicle",
            "traffic",
            "driver",
            "driving",
        ),
        "countryside",
    ),
    "bus": Subject(Kind.THING, ("bus", "coach", "bus stop", "trolleybus"), "city"),
    "rocket": Subject(
        Kind.THING,
        (
            "rocket",
            "launch",
            "lift off",
            "liftoff",
            "missile",
            "space shuttle",
            "countdown",
            "launchpad",
            "launch pad",
        ),
        "countryside",
    ),
    "campfire": Subject(
        Kind.THING,
        (
            "campfire",
            "fire",
            "bonfire",
            "flame",
            "fireplace",
            "blaze",
            "burning",
            "burn",
            "ember",
            "hearth",
            "candle",
        ),
        "forest",
    ),
    "fish": Subject(
        Kind.THING,
        (
            "fish",
            "school of fish",
            "shoal",
            "salmon",
            "trout",
            "goldfish",
            "shark",
            "tuna",
            "cod",
            "fishing",
            "aquarium",
        ),
        "underwater",
    ),
    "whale": Subject(Kind.THING, ("whale", "orca", "humpback", "dolphin", "sperm whale", "cetacean"), "sea"),
    "horse": Subject(
        Kind.THING,
        ("horse", "pony", "stallion", "mare", "foal", "rider", "riding", "cowboy", "gallop", "ranch"),
        "countryside",
    ),
    "dog": Subject(
        Kind.THING,
        (
            "dog",
            "puppy",
            "hound",
            "pup",
            "doggy",
            "terrier",
            "retriever",
            "labrador",
            "spaniel",
            "sheepdog",
            "bark",
        ),
    ),
    "cat": Subject(Kind.THING, ("cat", "kitten", "kitty", "tomcat", "feline", "moggy", "purr", "meow")),
    "people": Subject(
        Kind.THING,
        (
            "person",
            "people",
            "man",
            "woman",
            "child",
            "kid",
            "boy",
            "girl",
            "figure",
            "friend",
            "family",
            "couple",
            "someone",
            "traveller",
            "traveler",
            "passenger",
            "stranger",
            "scientist",
            "team",
            "he",
            "she",
            "nora",
            "elias",
            "hiker",
            "walker",
            "farmer",
            "soldier",
            "old man",
            "old woman",
            "keeper",
            "lighthouse keeper",
            "worker",
            "student",
            "teacher",
        ),
    ),
    "crowd": Subject(
        Kind.THING,
        (
            "crowd",
            "throng",
            "audience",
            "mob",
            "masses",
            "spectator",
            "festival",
            "parade",
            "protest",
            "hundred people",
            "commuter",
            "evacuation",
            "evacuate",
            "queue",
            "four hundred people",
        ),
        "city",
    ),
    # sky
    "moon": Subject(Kind.SKY, ("moon", "moonlight", "moonlit", "full moon", "crescent", "lunar")),
    "stars": Subject(Kind.SKY, ("star", "starlight", "starry", "constellation", "milky way", "starlit")),
    "planet": Subject(
        Kind.SKY,
        ("planet", "saturn", "jupiter", "mars", "alien world", "exoplanet", "venus", "neptune"),
        "space",
    ),
    "birds": Subject(
        Kind.SKY,
        (
            "bird",
            "flock",
            "flock of bird",
            "seagull",
            "gull",
            "crow",
            "swallow",
            "sparrow",
            "goose",
            "migration",
            "wing",
            "eagle",
            "pigeon",
        ),
    ),
    "rainbow": Subject(Kind.SKY, ("rainbow",)),
    "sun": Subject(Kind.SKY, ("sun", "sunny", "sunshine", "sunlight", "sunbeam")),
    # weather
    "rain": Subject(
        Kind.WEATHER,
        (
            "rain",
            "raining",
            "rainy",
            "drizzle",
            "shower",
            "downpour",
            "soaked",
            "wet",
            "umbrella",
            "puddle",
            "raindrop",
        ),
    ),
    "storm": Subject(
        Kind.WEATHER,
        ("storm", "stormy", "tempest", "thunderstorm", "gale", "hurricane", "typhoon", "squall", "thunder"),
    ),
    "lightning": Subject(Kind.WEATHER, ("lightning", "thunderbolt", "lightning bolt", "thunderstorm")),
    "fog": Subject(Kind.WEATHER, ("fog", "foggy", "mist", "misty", "haze", "hazy", "smog", "grey", "gray")),
    "snow": Subject(
        Kind.WEATHER,
        (
            "snow",
            "snowy",
            "snowfall",
            "snowflake",
            "winter",
            "blizzard",
            "frost",
            "frozen",
            "ice",
            "icy",
            "arctic",
            "polar",
            "snowman",
            "christmas",
        ),
    ),
    # interiors
    "room": Subject(
        Kind.ROOM,
        (
            "room",
            "bedroom",
            "living room",
            "bed",
            "sofa",
            "couch",
            "lounge",
            "apartment",
            "flat",
            "hallway",
            "mirror",
            "bathroom",
            "attic",
            "stone room",
            "chamber",
            "hotel",
            "kitchen table",
        ),
    ),
    "kitchen": Subject(
        Kind.ROOM,
        (
            "kitchen",
            "kettle",
            "toaster",
            "stove",
            "oven",
            "fridge",
            "cook",
            "cooking",
            "breakfast",
            "pantry",
            "bake",
            "dinner",
        ),
    ),
    "office": Subject(
        Kind.ROOM,
        (
            "office",
            "desk",
            "computer",
            "cubicle",
            "workplace",
            "laptop",
            "meeting",
            "boardroom",
            "screen",
            "monitor",
        ),
    ),
    "classroom": Subject(
        Kind.ROOM, ("classroom", "school", "lesson", "blackboard", "chalkboard", "pupil", "lecture", "class")
    ),
    "library": Subject(
        Kind.ROOM,
        ("library", "book", "bookshelf", "bookcase", "study", "archive", "reading room", "read", "novel"),
    ),
    "concourse": Subject(
        Kind.ROOM,
        (
            "concourse",
            "hall",
            "lobby",
            "atrium",
            "terminal building",
            "station concourse",
            "waiting room",
            "airport",
            "foyer",
            "arcade",
        ),
    ),
    "cafe": Subject(
        Kind.ROOM,
        (
            "cafe",
            "café",
            "coffee",
            "coffee shop",
            "coffee stand",
            "bistro",
            "restaurant",
            "bar",
            "pub",
            "diner",
            "tea room",
            "espresso",
        ),
    ),
    "compartment": Subject(
        Kind.ROOM,
        (
            "train carriage",
            "carriage",
            "compartment",
            "dining car",
            "railcar",
            "cabin of the train",
            "sleeper",
        ),
    ),
}

#: Subjects whose words are weak hints: named together with a stronger subject, they give way.
WEAK: Final = frozenset({"people"})


class TimeOfDay(StrEnum):
    """When the picture is set."""

    DAWN = "dawn"
    MORNING = "morning"
    NOON = "noon"
    AFTERNOON = "afternoon"
    DUSK = "dusk"
    NIGHT = "night"


TIMES: Final[dict[TimeOfDay, tuple[str, ...]]] = {
    TimeOfDay.DAWN: ("dawn", "sunrise", "daybreak", "first light", "before dawn", "sun come up"),
    TimeOfDay.MORNING: ("morning", "breakfast", "alarm", "wake", "early"),
    TimeOfDay.NOON: ("noon", "midday", "lunch", "daylight", "day"),
    TimeOfDay.AFTERNOON: ("afternoon", "teatime", "golden hour", "golden"),
    TimeOfDay.DUSK: ("dusk", "sunset", "evening", "twilight", "sundown", "gloaming"),
    TimeOfDay.NIGHT: (
        "night",
        "midnight",
        "nighttime",
        "nocturnal",
        "3 a.m",
        "late night",
        "tonight",
        "overnight",
        "23:58",
    ),
}

#: Words choosing an interior or an exterior (Fountain's INT./EXT. reach the prompt as Interior/Exterior).
SETTINGS: Final[dict[str, tuple[str, ...]]] = {
    "interior": ("interior", "int", "inside", "indoors", "indoor", "within"),
    "exterior": ("exterior", "ext", "outside", "outdoors", "outdoor", "open air", "aerial view", "aerial"),
}


class Style(StrEnum):
    """The illustrator's renderings of one scene plan."""

    FLAT = "flat"
    WATERCOLOR = "watercolor"
    INK = "ink"
    NEON = "neon"
    NOIR = "noir"


#: Words of a style setting that choose a rendering; a style naming none is drawn flat.
STYLES: Final[dict[Style, tuple[str, ...]]] = {
    Style.FLAT: ("flat", "vector", "minimal", "minimalist", "cartoon", "poster", "flat design"),
    Style.WATERCOLOR: (
        "watercolor",
        "watercolour",
        "aquarelle",
        "painting",
        "paint",
        "oil painting",
        "pastel",
        "gouache",
        "brush stroke",
        "impressionist",
        "soft",
    ),
    Style.INK: (
        "ink",
        "line art",
        "lineart",
        "pen",
        "sketch",
        "pencil",
        "drawing",
        "etching",
        "engraving",
        "woodcut",
        "linocut",
        "comic",
        "manga",
        "hand drawn",
        "charcoal",
    ),
    Style.NEON: (
        "neon",
        "cyberpunk",
        "synthwave",
        "vaporwave",
        "glow",
        "glowing",
        "retrowave",
        "blacklight",
        "tron",
    ),
    Style.NOIR: (
        "noir",
        "black and white",
        "monochrome",
        "greyscale",
        "grayscale",
        "film noir",
        "b&w",
        "silent film",
    ),
}

_WORD: Final = re.compile(r"[^\W_]+(?:[:.][0-9]+)?|&", re.UNICODE)
#: Irregular plurals and forms a suffix rule would get wrong.
_IRREGULAR: Final[dict[str, str]] = {
    "men": "man",
    "women": "woman",
    "children": "child",
    "people": "people",
    "geese": "goose",
    "mice": "mouse",
    "feet": "foot",
    "teeth": "tooth",
    "leaves": "leaf",
    "wolves": "wolf",
    "knives": "knife",
    "shelves": "shelf",
    "lives": "life",
    "fishes": "fish",
    "ponies": "pony",
    "cities": "city",
    "bodies": "body",
    "skies": "sky",
    "stories": "story",
    "libraries": "library",
    "countries": "country",
    "puppies": "puppy",
    "ferries": "ferry",
    "galaxies": "galaxy",
    "lorries": "lorry",
    "was": "was",
    "is": "is",
    "has": "has",
    "glass": "glass",
    "grass": "grass",
    "bus": "bus",
    "buses": "bus",
    "gas": "gas",
    "this": "this",
    "falls": "falls",
    "lit": "lit",
    "sung": "sing",
    "sang": "sing",
    "flew": "fly",
    "flown": "fly",
    "ran": "run",
    "rode": "ride",
    "burnt": "burn",
    "glowing": "glowing",
    "evening": "evening",
    "morning": "morning",
    "building": "building",
    "ceiling": "ceiling",
    "lightning": "lightning",
    "raining": "raining",
    "cooking": "cooking",
    "camping": "camping",
    "fishing": "fishing",
    "riding": "riding",
    "driving": "driving",
    "painting": "painting",
    "drawing": "drawing",
    "sailing": "sailing",
    "spring": "spring",
    "string": "string",
    "thing": "thing",
    "king": "king",
    "wing": "wing",
    "ring": "ring",
    "nothing": "nothing",
    "something": "something",
    "bed": "bed",
    "red": "red",
    "shed": "shed",
    "seabed": "seabed",
    "sled": "sled",
    "speed": "speed",
    "need": "need",
    "moss": "moss",
    "across": "across",
    "chess": "chess",
    "princess": "princess",
    "express": "express",
    "wilderness": "wilderness",
    "darkness": "darkness",
    "masses": "masses",
    "christmas": "christmas",
    "lotus": "lotus",
    "cactus": "cactus",
    "cacti": "cactus",
    "atlas": "atlas",
    "canvas": "canvas",
    "campus": "campus",
    "bonus": "bonus",
    "virus": "virus",
    "its": "its",
    "moving": "move",
    "taxis": "taxi",
    "towering": "towering",
    "sing": "sing",
    "crossword": "crossword",
    "centimetres": "centimetre",
    "stairs": "stair",
}
_DOUBLED: Final = frozenset("bdgmnprt")


def lemma(word: str) -> str:
    """A word reduced to the form the tables hold: lower case, singular, without -ing/-ed/-ly.

    A small rule set, not a dictionary: "volcanoes" -> "volcano", "ferries" -> "ferry", "erupting" ->
    "erupt", "raced" -> "race", "stopped" -> "stop". Short words (four letters or fewer) keep their shape.
    """
    w = word.lower().strip("'’")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    for suffix in ("'s", "’s"):
        if w.endswith(suffix):
            w = w[: -len(suffix)]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes", "oes")) and len(w) > 4:
        return w[:-2]
    if w.endswith("ing") and len(w) > 5:
        return _stem(w[:-3])
    if w.endswith("ed") and len(w) > 4:
        return _stem(w[:-2] if not w.endswith("ied") else w[:-3] + "y")
    if w.endswith("ly") and len(w) > 5:
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def _stem(stem: str) -> str:
    """The verb of a stem left by -ing/-ed: "stopp" -> "stop", "rac" -> "race", "erupt" -> "erupt"."""
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] in _DOUBLED:
        return stem[:-1]
    if len(stem) >= 2 and stem[-1] in "cvzg" and stem[-2] in "aeiou" or stem.endswith(("at", "ur")):
        return stem + "e"
    return stem


def lemmas(text: str) -> list[str]:
    """The lemmas of ``text``'s words, in order (any script; digits and punctuation drop out)."""
    return [lemma(word) for word in _WORD.findall(text)]


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(lemmas(phrase))


def _index() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Every phrase of the tables, as lemmas, with the names it stands for ("subject:x", "time:x", ...)."""
    index: dict[tuple[str, ...], list[str]] = {}

    def add(phrase: str, name: str) -> None:
        names = index.setdefault(_phrase_key(phrase), [])
        if name not in names:
            names.append(name)

    for subject, entry in SUBJECTS.items():
        add(subject, f"subject:{subject}")
        for word in entry.words:
            add(word, f"subject:{subject}")
    for time, words in TIMES.items():
        for word in (time.value, *words):
            add(word, f"time:{time.value}")
    for setting, words in SETTINGS.items():
        for word in (setting, *words):
            add(word, f"setting:{setting}")
    for style, words in STYLES.items():
        for word in (style.value, *words):
            add(word, f"style:{style.value}")
    return {key: tuple(names) for key, names in index.items() if key}


#: Phrase (as lemmas) -> the names it stands for. Built once from the tables above.
PHRASES: Final = _index()
LONGEST_PHRASE: Final = max(len(key) for key in PHRASES)
#: Every single-word lemma of the tables: the words an unknown word is compared with.
VOCABULARY: Final = tuple(sorted(key[0] for key in PHRASES if len(key) == 1))


def find(text: str) -> list[str]:
    """The names (``subject:lighthouse``, ``time:night``, ``setting:interior``, ``style:ink``) ``text``
    asks for, in the order it says them; a longer phrase wins over the words inside it."""
    words = lemmas(text)
    found: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(LONGEST_PHRASE, len(words) - i), 0, -1):
            names = PHRASES.get(tuple(words[i : i + size]))
            if names:
                found.extend(name for name in names if name not in found)
                i += size
                break
        else:
            i += 1
    return found


def unknown_words(text: str) -> list[str]:
    """``text``'s lemmas that the tables do not hold (what the closest-theme fallback looks at)."""
    return [word for word in lemmas(text) if (word,) not in PHRASES]
