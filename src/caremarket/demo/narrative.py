"""The demo county's Market Position Statement narrative, written as Markdown blocks.

SYNTHETIC: invented text in the voice of a council for the demo county on
Norfolk's geography. It is not Norfolk County Council's statement; figures it
quotes are the demo's calibration targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

LABEL: Final = (
    "> SYNTHETIC demo text for an invented county on Norfolk's geography: "
    "not any council's own words."
)


@dataclass(frozen=True, slots=True)
class DemoBlock:
    """One block of the demo narrative and the file it is written to."""

    file: str
    section: str
    title: str
    body: str
    position: int
    sector: str = ""


BLOCKS: Final = (
    DemoBlock(
        "01_introduction.md",
        "introduction",
        "Introduction",
        """This Market Position Statement is for everyone who provides, or wants to provide,
adult social care in the county: care homes, home care, housing with care and support,
and community services. It sets out what we know about the care market today, what we
expect people to need over the next ten years, and what we intend to buy.

It is published alongside live figures that are updated whenever new data arrive:
registered services and beds from the Care Quality Commission, population projections
from the Office for National Statistics, and the council's own data on the care we
arrange, the people waiting for care, fee rates and the quality of services.

We want to hear from you. Talk to the commissioning team about any of the
opportunities here, or about the barriers that stop you meeting the needs we describe.""",
        1,
    ),
    DemoBlock(
        "02_strategic_context.md",
        "strategic_context",
        "Strategic context",
        """The county has one of the oldest populations in England, and it is ageing faster
than the country as a whole: the number of people aged 85 and over is projected to
rise by more than a third in the next ten years. More people will live with dementia,
and more will live alone in rural areas far from services.

Most people tell us they want to stay in their own homes for as long as possible.
Our strategy is therefore to:

- grow home care and housing with care so that fewer people move into residential care;
- keep care home places for people whose needs cannot be met at home, with nursing
  capacity where hospitals need it most;
- support a stable, valued workforce, because every part of the market depends on it;
- work with providers who are rated good or outstanding, and help others improve.

The council spends around 290 million pounds a year on adult social care; people who
pay for their own care spend a large share on top of that. Both matter to the health
of the market.""",
        1,
    ),
    DemoBlock(
        "03_we_said_we_did_home_care.md",
        "we_said_we_did",
        "Home care capacity",
        """**We said** we would reduce the number of people waiting for home care, especially
in rural areas.

**We did** introduce a principal provider in each home care zone, paid a higher hourly
rate for packages in hard-to-serve areas, and set up a rapid brokerage team for people
leaving hospital.

**We will** right-size the zones so that care rounds are efficient, publish the
interim care list by locality every month, and commission more hours in the North,
South and West, where most of the people waiting live.""",
        1,
        "home_care",
    ),
    DemoBlock(
        "04_we_said_we_did_workforce.md",
        "we_said_we_did",
        "Workforce",
        """**We said** we would help providers recruit and keep care workers.

**We did** pass the full rise in the National Living Wage through to our usual prices,
and fund a county-wide recruitment campaign with providers.

**We will** work with providers to reduce the use of zero-hours contracts in home care,
and plan for the one in four care workers aged 55 or over who may retire in the next
ten years.""",
        2,
    ),
    DemoBlock(
        "05_we_said_we_did_quality.md",
        "we_said_we_did",
        "Quality",
        """**We said** we would raise the share of services rated good or outstanding.

**We did** target our quality assurance visits at services at most risk of a
requires improvement rating, and run local assessments of services that CQC has not
yet inspected.

**We will** share our local assessment findings with providers promptly, and support
registered managers through a county-wide network.""",
        3,
    ),
)

_SECTOR_TEXT: Final[dict[str, tuple[str, str, str]]] = {
    # sector: (title, commissioning intentions, key messages)
    "care_home_residential": (
        "Care homes without nursing",
        """We expect to buy fewer long-term residential places for older people as more
people are supported at home, but we will need more places for people living with
advanced dementia. We will commission short-term beds for people leaving hospital who
need time to recover before deciding about long-term care.""",
        """- We will not normally commission new residential homes for older people
  without dementia expertise.
- We want to hear from homes able to support people with complex dementia.
- Homes rated good or outstanding will be offered placements first.""",
    ),
    "care_home_nursing": (
        "Care homes with nursing",
        """Nursing home capacity has fallen as homes closed or stopped providing nursing.
We will work with the NHS to secure nursing beds near the county's hospitals and in
the west of the county, where beds are fewest for the population aged 85 and over.""",
        """- There is a priority need for nursing beds in the West locality.
- We will work with providers on the recruitment and retention of nurses.
- We will review our usual price for nursing care with providers each year.""",
    ),
    "home_care": (
        "Home care",
        """Demand for home care will grow faster than any other sector. We will buy
home care through a principal provider in each zone, taking most of the hours, with a
framework of providers for the rest. People who choose a direct payment will be
supported to find personal assistants.""",
        """- We have a priority need for home care in the North, South and West localities.
- Zones are sized so that care rounds are efficient: talk to us about capacity.
- We expect providers to offer guaranteed hours to care workers.""",
    ),
    "supported_living": (
        "Supported living",
        """We will develop more supported living for adults with a learning disability,
autism or mental health needs, so that fewer people live in residential care or out of
the county. We will commission support separately from housing where we can.""",
        """- We want to work with housing providers and support providers together.
- There is a need for schemes for people with autism and complex needs.
- Outcomes for people, not hours, will be the measure of a good service.""",
    ),
    "extra_care": (
        "Extra care housing",
        """Extra care housing lets older people keep their own front door with care on
site. We will increase the number of extra care flats for rent and for sale, in the
market towns where most older people live.""",
        """- We want to hear from developers with sites in market towns.
- Care in each scheme will be commissioned from one provider.""",
    ),
    "shared_lives": (
        "Shared lives",
        """Shared lives carers offer care and support in their own homes. We will grow
the scheme, especially for younger adults leaving children's services.""",
        """- We are recruiting shared lives carers across the county.""",
    ),
    "community": (
        "Community-based services",
        """Day opportunities and community support help people stay connected and give
carers a break. We will commission flexible day opportunities that people can buy with
a direct payment, and support personal assistants.""",
        """- We want more day opportunities in rural areas and at weekends.
- Services should be easy to buy with a direct payment.""",
    ),
}


def sector_blocks() -> tuple[DemoBlock, ...]:
    """A commissioning intentions and a key messages block for each sector."""
    blocks: list[DemoBlock] = []
    for position, (sector, (title, intentions, messages)) in enumerate(
        _SECTOR_TEXT.items(), start=1
    ):
        blocks.append(
            DemoBlock(
                f"1{position}_commissioning_intentions_{sector}.md",
                "commissioning_intentions",
                f"{title}: commissioning intentions",
                intentions,
                position,
                sector,
            )
        )
        blocks.append(
            DemoBlock(
                f"2{position}_key_messages_{sector}.md",
                "key_messages",
                f"{title}: key messages to providers",
                messages,
                position,
                sector,
            )
        )
    return tuple(blocks)


def write_narrative(folder: Path) -> tuple[Path, ...]:
    """Write the demo narrative as Markdown files with YAML front matter into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for block in (*BLOCKS, *sector_blocks()):
        front = [
            "---",
            f"section: {block.section}",
            *([f"sector: {block.sector}"] if block.sector else []),
            f'title: "{block.title}"',
            f"position: {block.position}",
            "---",
        ]
        path = folder / block.file
        path.write_text("\n".join([*front, LABEL, "", block.body, ""]), encoding="utf-8")
        written.append(path)
    return tuple(written)
