"""The offences that drive arrests: a few hundred codes, hand-weighted, notifiable or not.

Weights are per cent of custody records outside the rare immigration process (custody.py), shaped like the
Home Office arrest tables for the notifiable offences (violence, theft, drugs and public order lead) and, for
what a custody suite also sees but the Home Office does not count, on the reasons for arrest forces publish
in their disclosure logs: drink and drug driving, disqualified and uninsured driving, failing to surrender,
breach of bail conditions, recall to prison, warrants, breach of the peace, drunkenness, obstructing a
constable. Together they make about 84 per cent of offences; offence_tail.py spreads the rest over the whole
standing data. Dates are commencements (or, where an offence code was replaced, the change), so a code never
appears before the law that created it and a replaced code fades out.
"""

from __future__ import annotations

from datetime import date

from flows.generate.mix import Weighted as W

EMERGENCY_WORKERS_ACT = date(2018, 11, 13)  # Assaults on Emergency Workers (Offences) Act 2018
#: Sentencing Act 2020: breaches of restraining, criminal behaviour and sexual harm prevention orders recoded
SENTENCING_CODE = date(2020, 12, 1)
DRUG_DRIVING = date(2015, 3, 2)  # Road Traffic Act 1988 s.5A (drug driving over a specified limit)
COERCIVE_CONTROL = date(2015, 12, 29)  # Serious Crime Act 2015 s.76
PSYCHOACTIVE = date(2016, 5, 26)  # Psychoactive Substances Act 2016
SEXUAL_COMMUNICATION = date(2017, 4, 3)  # Sexual Offences Act 2003 s.15A
STALKING_PROTECTION = date(2020, 1, 20)  # Stalking Protection Act 2019
STRANGULATION = date(2022, 6, 7)  # Domestic Abuse Act 2021 s.70
ONLINE_SAFETY = date(2024, 1, 31)  # Online Safety Act 2023 communications offences
NITROUS_OXIDE = date(2023, 11, 8)  # nitrous oxide controlled as class C
DAPO_PILOT = date(2024, 11, 27)  # domestic abuse protection orders first available (pilot areas)
#: Anti-social Behaviour, Crime and Policing Act 2014: criminal behaviour orders replace ASBOs
CBO = date(2014, 10, 20)
ASBO_END = date(2016, 10, 20)  # the last ASBOs (made up to October 2015) ran out; breaches tail off
#: old codes still used for a year after the Sentencing Code, for offences committed before it
ONE_YEAR_ON = date(2021, 12, 1)

_EW, _SC = EMERGENCY_WORKERS_ACT, SENTENCING_CODE

HEAD: tuple[W, ...] = (
    # violence against the person (about 31)
    W("CJ88001", 8.5), W("CJ88116", 2.5), W("OF61102", 7.0), W("OF61131", 1.6), W("OF61016", 0.8),
    W("OF61017", 0.5), W("OF61014", 0.7), W("OF61095", 0.1),
    W("CJ88159", 1.6, _EW), W("CJ88160", 0.4, _EW), W("PL96001", 1.8, None, _EW), W("PL96001", 0.3, _EW),
    W("PL96002", 0.03),
    W("PH97004", 1.5), W("PH97009", 0.5), W("PH97010", 0.35), W("PH97011", 0.3), W("PH97006", 0.25),
    W("PH97003", 0.9, None, _SC), W("PH97003", 0.2, _SC, ONE_YEAR_ON), W("SE20002", 0.9, _SC),
    W("PH97005", 0.1), W("PH97012", 0.05, _SC), W("PH97001", 0.05), W("FL96001", 0.6),
    W("MT88006", 0.6), W("MT88005", 0.2), W("CA03005", 0.4), W("CA03009", 0.1),
    W("CA03007", 0.05, None, ONLINE_SAFETY), W("OS23001", 0.05, ONLINE_SAFETY), W("OS23002", 0.15, ONLINE_SAFETY),
    W("SC15004", 0.5, COERCIVE_CONTROL), W("SC15005", 0.6, STRANGULATION), W("SC15006", 0.03, STRANGULATION),
    W("COML025", 0.12), W("COML022", 0.02), W("COML017", 0.1), W("COML020", 0.08), W("CY33054", 0.3),
    W("CD98070", 0.25), W("CD98073", 0.08), W("CD98072", 0.02), W("CD98069", 0.05), W("CD98076", 0.03),
    W("ST19001", 0.05, STALKING_PROTECTION), W("DA21001", 0.3, DAPO_PILOT), W("RA88046", 0.02),
    W("RT88526", 0.02), W("RT88564", 0.02), W("MS15001", 0.02), W("MS15003", 0.02),
    # sexual offences (about 3)
    W("SX03002", 0.9), W("SX03001", 0.2), W("SX03013", 0.12), W("SX03004", 0.08), W("SX03005", 0.2),
    W("SX03007", 1.0), W("SX03008", 0.12), W("SX03017", 0.15), W("SX03128", 0.2), W("SX03130", 0.05),
    W("SX03131", 0.05), W("SX03224", 0.1, SEXUAL_COMMUNICATION), W("SX03225", 0.05), W("SX03029", 0.08),
    W("SX03025", 0.08), W("COML062", 0.03),
    # robbery
    W("TH68023", 2.3), W("TH68025", 0.1),
    # theft (about 16)
    W("TH68010", 7.0), W("TH68001", 0.6), W("TH68020", 1.5), W("TH68002", 0.3), W("TH68003", 0.2),
    W("TH68006", 0.3), W("TH68007", 0.7), W("TH68013", 0.6), W("TH68050", 0.5), W("TH68052", 0.05),
    W("TH68054", 0.05), W("TH68036", 1.2), W("TH68026", 0.6), W("TH68037", 0.8), W("TH68027", 0.3),
    W("TH68045", 0.1), W("TH68071", 0.1), W("TH78011", 0.3), W("CA81001", 0.15), W("TH68141", 0.05),
    W("TH68146", 0.05), W("TH68058", 0.05),
    # criminal damage and arson
    W("CD71039", 4.0), W("CD71038", 0.4), W("CD71040", 0.1), W("CD71015", 0.4), W("CD71049", 0.1),
    W("CD71050", 0.08), W("CD71041", 0.03), W("CD98074", 0.08),
    # drugs (about 12)
    W("MD71530", 2.8), W("MD71225", 0.3), W("MD71210", 1.3), W("MD71211", 0.5), W("MD71214", 0.3),
    W("MD71213", 0.2), W("MD71219", 0.1), W("MD71220", 0.1), W("MD71022", 0.1), W("MD71596", 0.1),
    W("MD71230", 1.2), W("MD71231", 0.5), W("MD71234", 0.4), W("MD71526", 0.5), W("MD71517", 0.05),
    W("MD71170", 0.4), W("MD71171", 0.25), W("MD71174", 0.2), W("MD71533", 0.15), W("MD71130", 0.15),
    W("MD71131", 0.1), W("MD71532", 0.1), W("MD71531", 0.4), W("MD71440", 0.1), W("MD71522", 0.02),
    W("MD71552", 0.05), W("PS16004", 0.05, PSYCHOACTIVE), W("PS16002", 0.03, PSYCHOACTIVE),
    W("MD71609", 0.05, NITROUS_OXIDE),
    # possession of weapons
    W("CJ88144", 1.3), W("PC53001", 0.6), W("CJ88154", 0.1), W("PC53003", 0.05), W("CJ88152", 0.08),
    W("CJ88151", 0.03), W("FI68435", 0.1), W("FI68001", 0.1), W("FI68068", 0.03), W("FI68321", 0.05),
    W("FI68320", 0.03), W("FI68421", 0.05), W("FI68378", 0.05), W("OW19004", 0.05, date(2019, 5, 16)),
    # public order
    W("PU86149", 1.4), W("PU86116", 1.0), W("PU86004", 1.3), W("PU86003", 0.8), W("PU86002", 0.2),
    W("PU86001", 0.005), W("CD98067", 0.5), W("CD98075", 0.4), W("CD98066", 0.2),
    # miscellaneous crimes against society
    W("TH68073", 0.6), W("TH68078", 0.2), W("TH68081", 0.1), W("COML030", 0.3), W("CJ94007", 0.1),
    W("CJ94005", 0.1), W("CD71043", 0.2), W("CD71045", 0.05), W("COML016", 0.03), W("RT88026", 0.6),
    W("RT88042", 0.02), W("CJ88115", 0.3), W("PK78008", 0.3), W("PK78003", 0.05), W("FA06004", 0.1),
    W("PC02021", 0.2), W("PC02020", 0.1), W("FC81006", 0.05), W("ID10003", 0.1),
    # fraud
    W("FA06001", 1.0), W("FA06003", 0.1), W("FA06007", 0.05), W("CM90003", 0.02),
    # motoring, not notifiable (about 8)
    W("RT88007", 2.2), W("RT88008", 0.1), W("RT88010", 0.4), W("RT88011", 0.03), W("RT88339", 0.1),
    W("RT88340", 0.15, None, DRUG_DRIVING), W("RT88340", 0.05, DRUG_DRIVING), W("RT88584", 1.3, DRUG_DRIVING),
    W("RT88585", 0.05, DRUG_DRIVING), W("RT88333", 0.9), W("RA88001", 0.6), W("RT88334", 0.3),
    W("RT88218", 0.15), W("RT88220", 0.05), W("RT88076", 0.15), W("RT88575", 0.1),
    # breach of bail, court orders and licence, not notifiable (about 8)
    W("BA76001", 1.5), W("BA76002", 0.3), W("BA76005", 2.2), W("BA76004", 0.3), W("CJ03004", 1.0),
    W("CJ03005", 0.3), W("CJ03007", 0.2), W("CS97002", 0.05), W("CJ03510", 0.3), W("CJ03506", 0.2),
    W("SX03204", 0.12), W("SX03220", 0.12, None, _SC), W("SE20012", 0.12, _SC),
    W("CD98002", 0.15, None, ASBO_END), W("AS14001", 0.15, CBO, _SC), W("AS14001", 0.03, _SC, ONE_YEAR_ON),
    W("SE20001", 0.15, _SC), W("MC80530", 0.1, None, DAPO_PILOT), W("MC80002", 0.03), W("FL96504", 0.05),
    W("AS14019", 0.03, CBO), W("AS14004", 0.03, CBO),
    # warrants and other reasons for arrest that are not an offence
    W("MC80522", 1.5), W("MC80517", 0.4), W("COML058", 0.6), W("COML059", 0.3), W("COML060", 0.05),
    W("EA03501", 0.1), W("EA03502", 0.02), W("MC80704", 0.1),
    # other summary offences
    W("CJ67002", 1.0), W("LG72002", 0.8), W("PL96003", 1.2), W("CJ01016", 0.05), W("AS14002", 0.05, CBO),
    W("DD91034", 0.05), W("DD91033", 0.03), W("CJ94010", 0.02), W("BT49005", 0.05), W("LG03047", 0.03),
    W("SP85019", 0.02), W("PL96005", 0.02),
)  # fmt: skip
