"""Client groups (CQC's service user bands) and how CQC's vocabularies map onto them."""

from __future__ import annotations

from enum import StrEnum


class ClientGroup(StrEnum):
    """A group of people a service is registered to support."""

    OLDER_PEOPLE = "older_people"
    DEMENTIA = "dementia"
    LEARNING_DISABILITY_AUTISM = "learning_disability_autism"
    MENTAL_HEALTH = "mental_health"
    PHYSICAL_DISABILITY = "physical_disability"
    YOUNGER_ADULTS = "younger_adults"
    SENSORY_IMPAIRMENT = "sensory_impairment"
    SUBSTANCE_MISUSE = "substance_misuse"

    @property
    def label(self) -> str:
        """The client group's name as a council writes it."""
        return CLIENT_GROUP_LABELS[self]


CLIENT_GROUP_LABELS: dict[ClientGroup, str] = {
    ClientGroup.OLDER_PEOPLE: "Older people",
    ClientGroup.DEMENTIA: "People with dementia",
    ClientGroup.LEARNING_DISABILITY_AUTISM: "People with a learning disability or autism",
    ClientGroup.MENTAL_HEALTH: "People with mental health needs",
    ClientGroup.PHYSICAL_DISABILITY: "People with a physical disability",
    ClientGroup.YOUNGER_ADULTS: "Younger adults",
    ClientGroup.SENSORY_IMPAIRMENT: "People with a sensory impairment",
    ClientGroup.SUBSTANCE_MISUSE: "People who misuse drugs or alcohol",
}

# HSCA Active Locations `Service user band - <name>` columns. Bands with no
# adult social care client group (children, whole population, eating
# disorders, people detained under the Mental Health Act) map to none.
SERVICE_USER_BAND_GROUPS: dict[str, ClientGroup] = {
    "Older People": ClientGroup.OLDER_PEOPLE,
    "Dementia": ClientGroup.DEMENTIA,
    "Learning disabilities or autistic spectrum disorder": (ClientGroup.LEARNING_DISABILITY_AUTISM),
    "Mental Health": ClientGroup.MENTAL_HEALTH,
    "Physical Disability": ClientGroup.PHYSICAL_DISABILITY,
    "Younger Adults": ClientGroup.YOUNGER_ADULTS,
    "Sensory Impairment": ClientGroup.SENSORY_IMPAIRMENT,
    "People who misuse drugs and alcohol": ClientGroup.SUBSTANCE_MISUSE,
}

# CQC API `specialisms[].name` and weekly directory `Specialisms/services`.
SPECIALISM_GROUPS: dict[str, ClientGroup] = {
    "Caring for adults over 65 yrs": ClientGroup.OLDER_PEOPLE,
    "Dementia": ClientGroup.DEMENTIA,
    "Learning disabilities": ClientGroup.LEARNING_DISABILITY_AUTISM,
    "Autism": ClientGroup.LEARNING_DISABILITY_AUTISM,
    "Mental health conditions": ClientGroup.MENTAL_HEALTH,
    "Physical disabilities": ClientGroup.PHYSICAL_DISABILITY,
    "Caring for adults under 65 yrs": ClientGroup.YOUNGER_ADULTS,
    "Sensory impairment": ClientGroup.SENSORY_IMPAIRMENT,
    "Sensory impairments": ClientGroup.SENSORY_IMPAIRMENT,
    "Substance misuse problems": ClientGroup.SUBSTANCE_MISUSE,
}
