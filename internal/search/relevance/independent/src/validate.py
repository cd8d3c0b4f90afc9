import json, csv, re, sys
from collections import Counter, defaultdict
SECT = {"sote","opetus","tyollisyys","hallinto","kulttuuri","ymparisto"}
THEM = {"digitalisaatio","johtaminen","osallisuus","tyon-organisointi","hyvinvointi"}
GRP = {"ikaantyneet","nuoret","lapset-ja-perheet","tyonhakijat","henkilosto","kuntalaiset"}
errs = []
refs = {}
for n, line in enumerate(open('deeds.jsonl', encoding='utf-8'), 1):
    d = json.loads(line)
    r = d['ref']
    if r in refs: errs.append(f"dup {r}")
    refs[r] = d
    if not re.fullmatch(r"J-\d{3}", r): errs.append(f"bad ref {r}")
    for f in ["lang","title","summary","organisation","sector","status","need","solution","results","lessons"]:
        if not isinstance(d.get(f), str) or not d[f].strip(): errs.append(f"{r} field {f}")
    if d['lang'] not in ("fi","sv","en"): errs.append(f"{r} lang")
    if len(d['summary']) > 300: errs.append(f"{r} summary len")
    if d['sector'] not in SECT: errs.append(f"{r} sector")
    if not (1 <= len(d['themes']) <= 3 and set(d['themes']) <= THEM): errs.append(f"{r} themes {d['themes']}")
    if not (1 <= len(d['client_groups']) <= 2 and set(d['client_groups']) <= GRP): errs.append(f"{r} groups")
    if d['status'] not in ("done","in_progress"): errs.append(f"{r} status")
    if not (isinstance(d['year'], int) and 2015 <= d['year'] <= 2025): errs.append(f"{r} year")
    if 'municipality' in d and d['municipality'] != d['organisation']: errs.append(f"{r} municipality")
    if 'municipality' not in d and not d['organisation'].endswith('hyvinvointialue'): errs.append(f"{r} no municipality")
    c = d['contact']
    if not (c.get('name') and c.get('email','').endswith('@example.org')): errs.append(f"{r} contact")
    for f in ["need","solution","results","lessons"]:
        s = len(re.findall(r"[.!?](\s|$)", d[f]))
        if not 1 <= s <= 4: errs.append(f"{r} {f} sentences={s}")
qs = {}
with open('queries.tsv', encoding='utf-8') as f:
    rd = csv.DictReader(f, delimiter='\t')
    assert rd.fieldnames == ['id','lang','kind','query'], rd.fieldnames
    for row in rd:
        if row['id'] in qs: errs.append("dup q " + row['id'])
        qs[row['id']] = row
rel = defaultdict(int); seen = set()
with open('judgments.tsv', encoding='utf-8') as f:
    rd = csv.DictReader(f, delimiter='\t')
    assert rd.fieldnames == ['query_id','ref','grade'], rd.fieldnames
    nj = 0
    for row in rd:
        nj += 1
        if row['query_id'] not in qs: errs.append("unknown q " + row['query_id'])
        if row['ref'] not in refs: errs.append("unknown ref " + row['ref'])
        if row['grade'] not in ('0','1','2'): errs.append("grade " + row['grade'])
        if (row['query_id'], row['ref']) in seen: errs.append("dup judgment %s %s" % (row['query_id'], row['ref']))
        seen.add((row['query_id'], row['ref']))
        if int(row['grade']) >= 1: rel[row['query_id']] += 1
for q in qs:
    if rel[q] < 2: errs.append(f"{q} has {rel[q]} relevant")
print("deeds", len(refs), Counter(d['lang'] for d in refs.values()))
print("sectors", Counter(d['sector'] for d in refs.values()))
print("queries", len(qs), Counter(q['kind'] for q in qs.values()), Counter(q['lang'] for q in qs.values()))
print("judgments", nj, Counter(g for g in []))
words = [sum(len(d[f].split()) for f in ['title','summary','need','solution','results','lessons']) for d in refs.values()]
print("words per deed min/median/max", min(words), sorted(words)[len(words)//2], max(words))
print("ERRORS", len(errs)); print("\n".join(errs[:50]))
