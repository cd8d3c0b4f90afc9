import json, csv
from collections import Counter
k2r = dict(l.split('\t')[::-1] for l in open('key2ref.tsv').read().split('\n') if l)
k2r = {k.strip(): r for k, r in k2r.items()}
D = [json.loads(l) for l in open('../deeds.jsonl')]
Qs = list(csv.DictReader(open('../queries.tsv'), delimiter='\t'))
J = list(csv.DictReader(open('../judgments.tsv'), delimiter='\t'))
def R(keys): return ", ".join(k2r[k] for k in keys.split())
clusters = [
 ("Distance / remote teaching", "etäopetus · hybridiopetus · monimuoto-opetus · verkko-opetus · virtuaaliluokka · distansundervisning · telepresence", "et1 et2 et3 et4 et5 et6 et7"),
 ("Home care of older people", "kotihoito · kotiin annettavat palvelut · virtuaalikäynnit · kotikuntoutus · hemvård · home care", "kh1 kh2 kh3 kh4 kh5 kh6 kh7"),
 ("Loneliness / social isolation of older people", "yksinäisyys · sosiaalinen eristäytyminen · seniorien olohuone · yhteiset lounaat; ikäihmiset / iäkkäät / seniorit / vanhukset · ensamhet · social isolation", "yk1 yk2 yk3 yk5 yk6 yk7 (+ youth loneliness yk4)"),
 ("Remote rehabilitation", "etäkuntoutus · videokuntoutus · fysioterapian ryhmät verkossa · puheterapia kuvayhteydellä · remote physiotherapy", "ek1 ek2 ek3 ek4 ek5"),
 ("Employment services", "työllisyyspalvelut · työnhaun tuki · rekrytointitapahtumat · palkkatuki · työkykykoordinaattori · jobbcoachning · employment services", "ty1 ty2 ty3 ty4 ty5 ty6 ty7"),
 ("School absence", "koulupoissaolot · kouluakäymättömyys · 'ei tule kouluun' · poissaolojen seuranta · skolfrånvaro · school refusers", "kp1 kp2 kp3 kp4 kp5 kp6"),
 ("Orientation of new staff", "perehdytys · perehdyttäminen · kummiopettaja · perehdytyskoulutus · introduktion · onboarding", "pe1 pe2 pe3 pe4 pe5 pe6"),
 ("Food waste", "ruokahävikki · hävikkiruoka · ruoan hävikki · ylijäämäruoka · matsvinn · food waste", "rh1 rh2 rh3 rh4 rh5 rh6"),
 ("Child protection notifications", "lastensuojeluilmoitus · ilmoitus lastensuojeluun · huoli-ilmoitus · lastensuojelutarpeen selvitys · child welfare notifications", "ls1 ls2 ls3 ls4 ls5"),
 ("Youth outreach / preventing exclusion", "etsivä nuorisotyö · Ohjaamo · syrjäytymisen ehkäisy · työpaja · uppsökande ungdomsarbete", "nu1 nu2 nu3 nu4 nu5"),
 ("Staff wellbeing", "työhyvinvointi · jaksaminen · työkyky · taukoliikunta · työn imu · arbetshälsa · staff wellbeing", "hy1 hy2 hy3 hy4 hy5 hy6 hy7"),
 ("Participatory budgeting", "osallistuva budjetointi · osallistava budjetointi · nuorten budjetti · asukasäänestys puistorahasta · invånarbudget · participatory budgeting", "ob1 ob2 ob3 ob4 ob5 ob6"),
 ("Family early support", "perhekeskus · varhainen tuki · perhevalmennus · lapsiperheiden kotipalvelu · familjecentral", "pk1 pk2 pk3 pk4 pk5"),
 ("Chatbots / virtual assistants", "neuvontabotti · virtuaaliavustaja · chatbot · chattbot", "cb1 cb2 cb3 cb4"),
 ("Public procurement", "hankinnat · kilpailutus · markkinavuoropuhelu · tarjouskilpailu · työllistämisehto · innovation procurement", "hk1 hk2 hk3 hk4 hk5"),
 ("Culture for wellbeing / culture on prescription", "kulttuuriresepti · taidetta lähetteellä · kulttuurihyvinvointi · kultur på recept · arts on prescription", "kr1 kr2 kr3 kr4 kr5"),
 ("Digital support for older people", "digituki · digikummit · tablettikurssit · sähköisen asioinnin neuvonta · digistöd · digital skills support", "dt1 dt2 dt3 dt4 dt5 dt6"),
 ("Energy saving", "energiankulutus · LED-katuvalot · energiansäästökampanja · lämpöhävikki", "en1 en2 en3 dx_lampohavikki"),
 ("Internal developers", "sisäiset kehittäjät · kehittäjämessut · muutosagentit / lean", "sk1 sk2 sk3"),
 ("Youth mental health", "mielenterveystuki · mielen hyvinvoinnin taidot · ahdistuneiden nuorten ryhmät · mental health support", "mt1 mt2 mt3 mt4"),
 ("Integration of immigrants", "kotoutuminen · kielikahvila · ammattikieli työpaikalla · integration och språkstöd", "ko1 ko2 ko3 ko4"),
 ("Fall prevention", "kaatumisten ehkäisy · tasapainoryhmät · liukastumiset", "ka1 ka2 ka3"),
 ("Wellbeing promotion in municipal management", "hyvinvointikoordinaattori · ennakkovaikutusten arviointi · hyvinvointitieto", "hyte1 hyte2 hyte3"),
 ("Resident participation", "kuntalaisraati · asukasillat · vanhusneuvosto", "as1 as2 as3"),
 ("E-services / paperless administration", "sähköinen allekirjoitus · sähköinen asiointi · paperiton kokouskäytäntö", "sa1 sa2 sa3"),
 ("Bullying", "koulukiusaaminen · välituntivälittäjät · kiusaaminen harrastuksissa · nettikiusaaminen", "ki1 ki2 ki3 ki4"),
 ("Memory disorders", "muistisairaat · dementia / dementoituneet · muistiystävällinen · omaishoitajat", "mu1 mu2 mu3"),
]
distractors = [
 ("dx_etatyo","etätyö (staff remote work) vs. etäopetus"),
 ("dx_hybridikok","hybridikokoukset (council meetings) vs. hybridiopetus"),
 ("dx_kotihoidontuki","lasten kotihoidon tuki (child home-care allowance) vs. kotihoito"),
 ("dx_asuntoensin","'koti' in a housing / homelessness deed vs. home care"),
 ("dx_kodinkorjaus","kodin korjausneuvonta (home repairs) vs. home care"),
 ("dx_kuntosali","seniors' gym hours vs. rehabilitation"),
 ("dx_tyovuorot","työvuorosuunnittelu (staff shifts) vs. employment services / home care scheduling"),
 ("dx_sairauspoissa","sairauspoissaolot (staff sick leave) vs. koulupoissaolot (it is on-topic for staff wellbeing)"),
 ("dx_lajittelu","opastus (residents' waste sorting guidance) vs. staff orientation"),
 ("dx_lampohavikki","lämpöhävikki (heat loss) vs. ruokahävikki (it is on-topic for energy saving)"),
 ("dx_kouluruoka","school menu planning vs. food waste"),
 ("dx_vikailmoitus","vikailmoitus (street fault reports) vs. lastensuojeluilmoitus"),
 ("dx_talousarvio","talousarvio (budget process) vs. participatory budgeting"),
 ("dx_budjettiseuranta","budget monitoring vs. participatory budgeting"),
 ("dx_rpa","ohjelmistorobotti (RPA) vs. chatbot"),
 ("dx_kirjastohankinta","library hankintaehdotukset (acquisition suggestions) vs. public procurement"),
 ("dx_kotiseutu","kotiseutumuseo ('koti') vs. home care"),
 ("dx_vesimittari","etäluettavat vesimittarit ('etä') vs. remote teaching/rehabilitation"),
 ("pk4","lapsiperheiden kotipalvelu: 0 for kotihoito queries, 1 for 'kotiin annettavat palvelut'"),
 ("rh1","mentions pupils' absences (for kitchen planning): 0 for school absence queries"),
]
dl = Counter(d['lang'] for d in D); qk = Counter(q['kind'] for q in Qs); ql = Counter(q['lang'] for q in Qs)
gc = Counter(j['grade'] for j in J)
sec = Counter(d['sector'] for d in D)
o = []
o.append("# Judged test collection for Tekojen tori semantic search\n")
o.append("Written by an independent helper session (an AI assistant started by the project session) on 2026-12-06, "
         "**without seeing any of the project's source code or ranking logic** (no /work/main, /work/wt-* or *.go files were opened). "
         "Vocabulary and style were taken from /work/shared/seeds/ (Finnish news articles on Tekojen tori) and general knowledge of "
         "Finnish municipal services; all deeds are invented for this set, no article text is copied. All contact persons are fictional "
         "and use example.org addresses. Organisations are real Finnish municipalities and wellbeing services counties, but the deeds "
         "attributed to them are fictional.\n")
o.append("## Files\n")
o.append("- `deeds.jsonl` – %d deeds, one JSON object per line (fields: ref, lang, title, summary, organisation, municipality (omitted for wellbeing services counties), sector, themes, client_groups, status, year, need, solution, results, lessons, contact{name,email})." % len(D))
o.append("- `queries.tsv` – %d queries, header `id\\tlang\\tkind\\tquery`." % len(Qs))
o.append("- `judgments.tsv` – %d judgments, header `query_id\\tref\\tgrade`." % len(J))
o.append("- `src/` – the Python sources that generate the three files (deeds are written by hand in `b1.py`–`b6.py`, `lessons.py`; judgments in `queries.py` by internal keys; `build.py` assigns refs J-001… in a fixed shuffled order so that clusters are not contiguous; `validate.py` checks the files). Re-run: `cd src && python3 build.py && cd .. && python3 src/validate.py`.\n")
o.append("## Counts\n")
o.append("Deeds per language: " + ", ".join(f"{k} {v}" for k, v in sorted(dl.items())) + f" (total {len(D)}).  ")
o.append("Deeds per sector: " + ", ".join(f"{k} {v}" for k, v in sorted(sec.items())) + ".  ")
o.append("Deed length varies from ~25 to ~270 words (title + summary + need/solution/results/lessons); 8 deeds are long (~200–270 words).\n")
o.append("Queries per kind: " + ", ".join(f"{k} {v}" for k, v in sorted(qk.items())) + ".  ")
o.append("Queries per language: " + ", ".join(f"{k} {v}" for k, v in sorted(ql.items())) + ".  ")
o.append(f"Judgments: grade 2 = {gc['2']}, grade 1 = {gc['1']}, grade 0 = {gc['0']}. Every query has at least 2 deeds graded ≥ 1.\n")
o.append("## Query kinds\n")
o.append("- `synonym` – a near-synonym of how the relevant deeds are written (e.g. *etäopetus* where deeds say hybridiopetus / monimuoto-opetus / verkko-opetus / virtuaaliluokka).")
o.append("- `compound` – a whole compound where deeds split it or embed it differently (*lastensuojeluilmoitus* vs. 'ilmoitus lastensuojeluun'; *ruokahävikki* vs. 'hävikkiruoka', 'ruoan hävikki'; *nuorisobudjetti* vs. 'nuorten budjetti').")
o.append("- `sv`, `en` – Swedish / English queries; their relevant deeds are mostly Finnish plus the Swedish/English members of the cluster.")
o.append("- `multiword` – natural multi-word needs.")
o.append("- `inflected` – inflected or base forms of words that appear in other forms in the deeds.")
o.append("- `typo` – one typo (one deleted, inserted or substituted letter).\n")
o.append("## Grading rules\n")
o.append("- **2** = squarely on the query's need; **1** = partly relevant / useful (e.g. same topic for another client group, a neighbouring service, a deed where the topic is a secondary part); **0** = judged not relevant – listed for distractors that share words or a surface topic with the query.")
o.append("- Judged by the meaning of the need, regardless of wording or language: a Swedish or English deed squarely on a Finnish query's need is 2, and vice versa.")
o.append("- For each query the whole deed list was gone through for its topic; deeds not listed for a query are considered not relevant (unjudged = 0). Listed 0s are the deliberate distractors.")
o.append("- Grading is by one judge; borderline 1-vs-0 decisions are inevitably somewhat subjective (see caveats).\n")
o.append("## Topic clusters (different words for one topic)\n")
o.append("| topic | wording variants used in the deeds | refs |\n|---|---|---|")
for t, w, keys in clusters:
    ks = keys.split(' (')[0]
    extra = ""
    if '(' in keys: extra = " (+ " + k2r['yk4'] + " youth loneliness)"
    o.append(f"| {t} | {w} | {R(ks)}{extra} |")
o.append("\nCross-language topics (fi + sv + en deeds): distance teaching, home care, loneliness of older people, employment services, school absence, staff orientation, food waste, staff wellbeing, participatory budgeting, culture on prescription, digital support for older people, integration of immigrants (sv+en via the English employment deed). fi + sv only: chatbots, family centres, youth outreach. fi + en only: remote rehabilitation, child welfare notifications, procurement, youth mental health.\n")
o.append("## Distractors (graded 0 where relevant)\n")
for k, why in distractors:
    o.append(f"- {k2r[k]}: {why}")
o.append("\n## Caveats\n")
o.append("- Exactly 150 deeds (the minimum); languages 120/15/15 as requested.")
o.append("- Recall judgments are by a single judge who wrote the deeds; unlisted (query, deed) pairs are assumed non-relevant.")
o.append("- Some grade-1 decisions are judgement calls (e.g. youth loneliness for an older-people loneliness query, day-care food waste for 'food waste in schools', lapsiperheiden kotipalvelu for 'kotiin annettavat palvelut').")
o.append("- Typo queries assume the engine should recover the intended word; they are graded as if spelled correctly.")
o.append("- Some clusters also contain a deed that uses the query's literal term (so pure lexical matching can find one relevant deed but not the rest); the point is recall over the differently-worded members.")
open('../README.md', 'w').write("\n".join(o) + "\n")
