import json, random, unicodedata, sys
sys.path.insert(0, '.')
import b1, b2, b3, b4, b5, b6
from common import DEEDS
from lessons import L
from queries import Q

FIRST = ["Aino","Eero","Helmi","Juho","Kaisa","Lauri","Minna","Oskari","Pirjo","Riku","Sanna","Teemu","Ulla","Ville","Elina",
         "Jari","Noora","Petteri","Sari","Tuomas","Anna-Liisa","Markus","Henna","Ilkka","Marjut","Antti","Katja","Olli","Reetta","Veikko",
         "Ebba","Fredrik","Linnea","Mikael","Sofia","Emil"]
LAST = ["Virtamo","Kettunen","Lahdensuo","Mäkipelto","Rantakari","Salmenkivi","Honkaranta","Leppämäki","Kivistö","Tuomela","Aaltonen-Kari",
        "Pihlajamaa","Västilä","Koivurinne","Niemelä","Hakola","Järvelin","Ojanperä","Sundqvist","Lindroos","Holmberg","Ekblad","Nyqvist","Strömsholm"]
def ascii(s):
    s = unicodedata.normalize('NFKD', s)
    return ''.join(c for c in s if not unicodedata.combining(c)).lower().replace(' ', '')

rnd = random.Random(20261206)
order = list(range(len(DEEDS)))
rnd.shuffle(order)
key2ref = {}
out = []
for i, idx in enumerate(order, 1):
    d = DEEDS[idx]
    ref = "J-%03d" % i
    key2ref[d['key']] = ref
    fn, ln = rnd.choice(FIRST), rnd.choice(LAST)
    lessons = d['lessons'].strip() or L[d['key']]
    rec = {"ref": ref, "lang": d['lang'], "title": d['title'], "summary": d['summary'],
           "organisation": d['org']}
    if not d['org'].endswith('hyvinvointialue'):
        rec["municipality"] = d['org']
    rec.update({"sector": d['sector'], "themes": d['themes'], "client_groups": d['groups'],
                "status": d['status'], "year": d['year'], "need": d['need'], "solution": d['solution'],
                "results": d['results'], "lessons": lessons,
                "contact": {"name": f"{fn} {ln}", "email": f"{ascii(fn)}.{ascii(ln)}@example.org"}})
    out.append(rec)
out.sort(key=lambda r: r['ref'])
with open('../deeds.jsonl', 'w', encoding='utf-8') as f:
    for r in out:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open('../queries.tsv', 'w', encoding='utf-8') as fq, open('../judgments.tsv', 'w', encoding='utf-8') as fj:
    fq.write("id\tlang\tkind\tquery\n")
    fj.write("query_id\tref\tgrade\n")
    for n, (lang, kind, text, grades) in enumerate(Q, 1):
        qid = "Q%03d" % n
        fq.write(f"{qid}\t{lang}\t{kind}\t{text}\n")
        for k, gr in sorted(grades.items(), key=lambda kv: (-kv[1], key2ref[kv[0]])):
            fj.write(f"{qid}\t{key2ref[k]}\t{gr}\n")
with open('key2ref.tsv', 'w') as f:
    for k, r in sorted(key2ref.items(), key=lambda kv: kv[1]):
        f.write(f"{r}\t{k}\n")
print("ok", len(out), len(Q))
