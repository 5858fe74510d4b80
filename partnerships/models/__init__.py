"""The directory's data model.

Institutions sign Agreements; People take part in them in a Role; Agreements cover
FocusAreas and may establish bodies; every fact cites a Source.
"""

from .addresses import AddressedModel, SlugRedirect
from .agreements import (
    Agreement,
    AgreementFocusArea,
    AgreementKind,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    EstablishedBody,
    EstablishedBodyKind,
    Participation,
    ParticipationRole,
)
from .common import DatePrecision
from .focus_areas import FocusArea
from .institutions import (
    Institution,
    InstitutionKind,
    InstitutionName,
    InstitutionNameType,
    InstitutionRelation,
    InstitutionRelationType,
)
from .lexicon import SearchWord
from .people import NameOrder, Person, PersonName, Position
from .search_index import AgreementFacets, AgreementSearch, InstitutionPair
from .sources import Source, SourceCredit, SourceCreditRole
from .version import DirectoryVersion

__all__ = [
    "AddressedModel",
    "Agreement",
    "AgreementFacets",
    "AgreementFocusArea",
    "AgreementKind",
    "AgreementParty",
    "AgreementSearch",
    "AgreementSource",
    "AgreementStatus",
    "DatePrecision",
    "DirectoryVersion",
    "EstablishedBody",
    "EstablishedBodyKind",
    "FocusArea",
    "Institution",
    "InstitutionKind",
    "InstitutionName",
    "InstitutionNameType",
    "InstitutionPair",
    "InstitutionRelation",
    "InstitutionRelationType",
    "NameOrder",
    "Participation",
    "ParticipationRole",
    "Person",
    "PersonName",
    "Position",
    "SearchWord",
    "SlugRedirect",
    "Source",
    "SourceCredit",
    "SourceCreditRole",
]
