import json, unicodedata
DEEDS = []
def D(key, lang, org, sector, themes, groups, status, year, title, summary, need, solution, results, lessons):
    DEEDS.append(dict(key=key, lang=lang, org=org, sector=sector, themes=themes.split(), groups=groups.split(),
        status=status, year=year, title=title, summary=summary, need=need, solution=solution, results=results, lessons=lessons))
