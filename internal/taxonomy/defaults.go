package taxonomy

type defaultTerm struct{ slug, fi, sv, en string }

// defaults are the vocabularies a new site starts with. The sectors are
// those of Tekojen tori; themes follow the Kuntatyö2030 programme's work.
var defaults = map[Kind][]defaultTerm{
	Sector: {
		{"sote", "Sosiaali- ja terveyspalvelut", "Social- och hälsovårdstjänster", "Social and health services"},
		{"opetus", "Opetus ja kasvatus", "Undervisning och fostran", "Education and early childhood education"},
		{"tekniset", "Tekniset palvelut", "Tekniska tjänster", "Technical services"},
		{"elinkeino", "Elinkeino- ja työllisyyspalvelut", "Närings- och sysselsättningstjänster", "Business and employment services"},
		{"kulttuuri", "Kulttuuri- ja vapaa-aikapalvelut", "Kultur- och fritidstjänster", "Culture and leisure services"},
		{"ruoka", "Ruoka- ja puhtauspalvelut", "Kost- och städtjänster", "Catering and cleaning services"},
		{"hallinto", "Hallinto ja tukipalvelut", "Förvaltning och stödtjänster", "Administration and support services"},
		{"koko", "Koko organisaatio", "Hela organisationen", "Whole organisation"},
	},
	Theme: {
		{"tyohyvinvointi", "Työhyvinvointi", "Arbetshälsa", "Wellbeing at work"},
		{"johtaminen", "Johtaminen", "Ledarskap", "Leadership"},
		{"osaaminen", "Osaaminen ja oppiminen", "Kompetens och lärande", "Skills and learning"},
		{"digitalisaatio", "Digitalisaatio", "Digitalisering", "Digitalisation"},
		{"asiakaslahtoisyys", "Asiakaslähtöisyys", "Kundorientering", "Customer focus"},
		{"osallisuus", "Osallisuus", "Delaktighet", "Participation"},
		{"tuloksellisuus", "Tuloksellisuus ja tuottavuus", "Resultat och produktivitet", "Performance and productivity"},
		{"tyon-organisointi", "Työn organisointi", "Organisering av arbetet", "Organising work"},
		{"perehdytys", "Rekrytointi ja perehdytys", "Rekrytering och introduktion", "Recruitment and induction"},
		{"yhteistyo", "Yhteistyö ja verkostot", "Samarbete och nätverk", "Cooperation and networks"},
		{"hyvinvoinnin-edistaminen", "Hyvinvoinnin ja terveyden edistäminen", "Främjande av välfärd och hälsa", "Promoting wellbeing and health"},
		{"kestava-kehitys", "Kestävä kehitys", "Hållbar utveckling", "Sustainable development"},
		{"viestinta", "Viestintä", "Kommunikation", "Communication"},
		{"kokeilukulttuuri", "Kokeilukulttuuri", "Försökskultur", "Culture of experimentation"},
	},
	ClientGroup: {
		{"lapset-perheet", "Lapset ja perheet", "Barn och familjer", "Children and families"},
		{"nuoret", "Nuoret", "Unga", "Young people"},
		{"tyoikaiset", "Työikäiset", "Personer i arbetsför ålder", "Working-age people"},
		{"ikaantyneet", "Ikääntyneet", "Äldre", "Older people"},
		{"vammaiset", "Vammaiset henkilöt", "Personer med funktionsnedsättning", "People with disabilities"},
		{"maahanmuuttajat", "Maahanmuuttajat", "Invandrare", "Immigrants"},
		{"tyonhakijat", "Työnhakijat", "Arbetssökande", "Jobseekers"},
		{"yritykset", "Yritykset", "Företag", "Businesses"},
		{"henkilosto", "Henkilöstö", "Personal", "Staff"},
		{"asukkaat", "Kaikki asukkaat", "Alla invånare", "All residents"},
		{"jarjestot", "Järjestöt ja yhdistykset", "Organisationer och föreningar", "NGOs and associations"},
	},
}
