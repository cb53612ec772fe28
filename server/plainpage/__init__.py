"""plainpage: the article and nothing else."""

from .api import extract
from .errors import (
    BlockedDestination,
    DocumentTooComplex,
    FetchError,
    FetchTimeout,
    HostBusy,
    InputError,
    InvalidURL,
    NotHTML,
    OverBudget,
    PlainpageError,
    RuleError,
    RuleSchemaError,
    RuleSyntaxError,
    TooLarge,
    TooManyRedirects,
    UnsupportedContentType,
    UpstreamError,
    UpstreamStatus,
)
from .model import Article, Block, PaywallEvidence, Removed
from .options import Options

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Article",
    "Block",
    "BlockedDestination",
    "DocumentTooComplex",
    "extract",
    "FetchError",
    "FetchTimeout",
    "HostBusy",
    "InputError",
    "InvalidURL",
    "NotHTML",
    "Options",
    "OverBudget",
    "PaywallEvidence",
    "PlainpageError",
    "Removed",
    "RuleError",
    "RuleSchemaError",
    "RuleSyntaxError",
    "TooLarge",
    "TooManyRedirects",
    "UnsupportedContentType",
    "UpstreamError",
    "UpstreamStatus",
]
