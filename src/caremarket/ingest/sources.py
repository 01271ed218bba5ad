"""The data sources caremarket reads, declared once: publisher, licence, cadence."""

from __future__ import annotations

from caremarket.domain.release import Licence, Source
from caremarket.domain.release_fact import Fact

_DIRECTORY_FACTS = frozenset(
    {
        Fact.SERVICE_TYPES,
        Fact.SERVICES_BEYOND_CARE_HOMES,
        Fact.NURSING_SPLIT,
        Fact.BEDS,
        Fact.CLIENT_GROUPS,
        Fact.POSITIONS,
        Fact.OVERALL_RATINGS,
        Fact.REGISTRATION_DATES,
    }
)

CQC_HSCA_ACTIVE_LOCATIONS = Source(
    id="cqc_hsca_active_locations",
    title="CQC HSCA Active Locations (care directory with filters)",
    publisher="Care Quality Commission",
    licence=Licence.OGL_3,
    cadence="monthly",
    url="https://www.cqc.org.uk/about-us/transparency/using-cqc-data",
    carries=_DIRECTORY_FACTS,
)

CQC_LATEST_RATINGS = Source(
    id="cqc_latest_ratings",
    title="CQC Latest ratings (care directory with ratings)",
    publisher="Care Quality Commission",
    licence=Licence.OGL_3,
    cadence="monthly",
    url="https://www.cqc.org.uk/about-us/transparency/using-cqc-data",
    # Service / population groups name a service only where CQC rated it as one;
    # no service types, nursing split, beds, client groups or registration dates.
    carries=frozenset(
        {
            Fact.SERVICE_GROUPS,
            Fact.SERVICES_BEYOND_CARE_HOMES,
            Fact.POSITIONS,
            Fact.OVERALL_RATINGS,
            Fact.KEY_QUESTION_RATINGS,
            Fact.SERVICE_RATINGS,
        }
    ),
)

CQC_API_LOCATIONS = Source(
    id="cqc_api_locations",
    title="CQC public API location records",
    publisher="Care Quality Commission",
    licence=Licence.OGL_3,
    cadence="on request",
    url="https://api-portal.service.cqc.org.uk/",
    carries=_DIRECTORY_FACTS | {Fact.KEY_QUESTION_RATINGS},
)

CQC_DIRECTORY = Source(
    id="cqc_directory",
    title="CQC care directory (weekly CSV)",
    publisher="Care Quality Commission",
    licence=Licence.OGL_3,
    cadence="weekly",
    url="https://www.cqc.org.uk/about-us/transparency/using-cqc-data",
    carries=_DIRECTORY_FACTS - {Fact.BEDS, Fact.OVERALL_RATINGS, Fact.REGISTRATION_DATES},
)

ONS_MID_YEAR_ESTIMATES = Source(
    id="ons_mid_year_estimates",
    title="ONS mid-year population estimates",
    publisher="Office for National Statistics",
    licence=Licence.OGL_3,
    cadence="yearly",
    url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
)

ONS_SNPP = Source(
    id="ons_snpp",
    title="ONS sub-national population projections",
    publisher="Office for National Statistics",
    licence=Licence.OGL_3,
    cadence="every two years",
    url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationprojections",
)

ONS_BOUNDARIES = Source(
    id="ons_boundaries",
    title="ONS administrative boundaries",
    publisher="Office for National Statistics",
    licence=Licence.OGL_3_OS,
    cadence="yearly",
    url="https://geoportal.statistics.gov.uk/",
)

ONS_POSTCODES = Source(
    id="ons_postcodes",
    title="ONS Postcode Directory (postcode to district lookup)",
    publisher="Office for National Statistics",
    licence=Licence.OGL_3_OS,
    cadence="quarterly",
    url="https://geoportal.statistics.gov.uk/",
)

COUNCIL_LOCALITIES = Source(
    id="council_localities",
    title="Council localities (districts grouped for planning)",
    publisher="the council",
    licence=Licence.COUNCIL,
    cadence="as changed",
    url="",
)

COUNCIL_SERVICE_AGREEMENTS = Source(
    id="council_service_agreements",
    title="Council service agreements (care packages and placements)",
    publisher="the council",
    licence=Licence.COUNCIL_RESTRICTED,
    cadence="as extracted",
    url="",
)

COUNCIL_INTERIM_CARE_LIST = Source(
    id="council_interim_care_list",
    title="Council interim care list (people waiting for home care)",
    publisher="the council",
    licence=Licence.COUNCIL_RESTRICTED,
    cadence="as extracted",
    url="",
)

COUNCIL_WORKFORCE = Source(
    id="council_workforce",
    title="Adult social care workforce estimates by sector (council template)",
    publisher="the council",
    licence=Licence.COUNCIL,
    cadence="yearly",
    url="",
)

SKILLS_FOR_CARE_WORKFORCE = Source(
    id="skills_for_care_workforce",
    title="Skills for Care adult social care workforce estimates (local authority level)",
    publisher="Skills for Care",
    licence=Licence.SKILLS_FOR_CARE,
    cadence="yearly",
    url="https://www.skillsforcare.org.uk/Adult-Social-Care-Workforce-Data/",
)

COUNCIL_FEE_RATES = Source(
    id="council_fee_rates",
    title="Council fee rates (usual prices by sector and client group)",
    publisher="the council",
    licence=Licence.COUNCIL,
    cadence="yearly",
    url="",
)

COUNCIL_LOCAL_ASSESSMENTS = Source(
    id="council_local_assessments",
    title="Council local quality assessments of services",
    publisher="the council",
    licence=Licence.COUNCIL,
    cadence="as extracted",
    url="",
)

COUNCIL_NARRATIVE = Source(
    id="council_narrative",
    title="Council narrative for the Market Position Statement",
    publisher="the council",
    licence=Licence.COUNCIL,
    cadence="as written",
    url="",
)

NHS_ASCOF = Source(
    id="nhs_ascof",
    title="Measures from the Adult Social Care Outcomes Framework (ASCOF)",
    publisher="NHS England",
    licence=Licence.OGL_3,
    cadence="yearly",
    url="https://digital.nhs.uk/data-and-information/publications/statistical/adult-social-care-outcomes-framework-ascof",
)

NHS_ASCFR = Source(
    id="nhs_ascfr",
    title="Adult Social Care Finance Return (ASC-FR)",
    publisher="NHS England",
    licence=Licence.OGL_3,
    cadence="yearly",
    url="https://digital.nhs.uk/data-and-information/publications/statistical/adult-social-care-activity-and-finance-report",
)

COUNCIL_SOURCES: tuple[Source, ...] = (
    COUNCIL_SERVICE_AGREEMENTS,
    COUNCIL_INTERIM_CARE_LIST,
    COUNCIL_WORKFORCE,
    SKILLS_FOR_CARE_WORKFORCE,
    COUNCIL_FEE_RATES,
    COUNCIL_LOCAL_ASSESSMENTS,
    COUNCIL_NARRATIVE,
)

SOURCES: tuple[Source, ...] = (
    CQC_HSCA_ACTIVE_LOCATIONS,
    CQC_LATEST_RATINGS,
    CQC_API_LOCATIONS,
    CQC_DIRECTORY,
    ONS_MID_YEAR_ESTIMATES,
    ONS_SNPP,
    ONS_BOUNDARIES,
    ONS_POSTCODES,
    COUNCIL_LOCALITIES,
    NHS_ASCOF,
    NHS_ASCFR,
    *COUNCIL_SOURCES,
)

# Which CQC source describes a council's locations when several releases of
# the same date are loaded: the fullest directory first.
DIRECTORY_PRECEDENCE: tuple[str, ...] = (
    CQC_HSCA_ACTIVE_LOCATIONS.id,
    CQC_API_LOCATIONS.id,
    CQC_DIRECTORY.id,
    CQC_LATEST_RATINGS.id,
)
# Which source's ratings to use when several of the same date are loaded.
RATING_PRECEDENCE: tuple[str, ...] = (
    CQC_LATEST_RATINGS.id,
    CQC_API_LOCATIONS.id,
    CQC_HSCA_ACTIVE_LOCATIONS.id,
)
