"""chatbook's toolkit: WhatsApp exports in, searchable messages and reviewed calendar events out.

The names in `__all__` are the public API, the same functions the `chatbook` CLI and the
notebooks call::

    import toolkit

    settings = toolkit.load_settings()
    toolkit.ingest_paths(settings, ["WhatsApp Chat with School Parents.zip"])
    toolkit.embed_new(settings)
    hits = toolkit.search_messages(settings, "when is the dentist appointment")
    toolkit.extract_new(settings)
    toolkit.ReviewApp(settings).show()          # in JupyterLab
    toolkit.export_ics(toolkit.open_db(settings), "events.ics")

Everything else lives in the subpackages (`store`, `ingest`, `search`, `extract`, `review`,
`ui`, `ops`) and may move between releases. `import toolkit` loads none of them: each public
name is imported from its module on first use (PEP 562), so a script that only reads settings
never pays for torch, ipywidgets or psycopg.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the module that defines it. Paths are strings so that importing this package
# imports nothing else; tests/test_layout.py checks that every entry resolves.
_EXPORTS: dict[str, str] = {
    # settings and errors
    "Settings": "toolkit.config",
    "load_settings": "toolkit.config",
    "ChatbookError": "toolkit.errors",
    # the stores
    "migrate_all": "toolkit.store.connect",
    "open_db": "toolkit.store.connect",
    # exports in, messages out
    "ingest_paths": "toolkit.ingest.importer",
    "export_messages": "toolkit.ingest.importer",
    "list_chats": "toolkit.ingest.zones",
    # search
    "embed_new": "toolkit.search.embed",
    "search_messages": "toolkit.search.query",
    # events: extraction, review, export
    "extract_new": "toolkit.extract.stage",
    "extract_events": "toolkit.extract.text",
    "set_chat_zone": "toolkit.extract.stage",
    "list_proposals": "toolkit.review.proposals",
    "proposal_changes": "toolkit.review.proposals",
    "export_ics": "toolkit.review.events",
    # in Jupyter
    "ReviewApp": "toolkit.ui.review.app",
    "search_widget": "toolkit.ui.search_widget",
    # running and looking after it
    "run_pipeline": "toolkit.ops.pipeline",
    "run_demo": "toolkit.ops.demo",
    "run_checks": "toolkit.ops.doctor",
    "backup": "toolkit.ops.backup",
    "restore": "toolkit.ops.backup",
}

__all__ = [
    "ChatbookError",
    "ReviewApp",
    "Settings",
    "backup",
    "embed_new",
    "export_ics",
    "export_messages",
    "extract_events",
    "extract_new",
    "ingest_paths",
    "list_chats",
    "list_proposals",
    "load_settings",
    "migrate_all",
    "open_db",
    "proposal_changes",
    "restore",
    "run_checks",
    "run_demo",
    "run_pipeline",
    "search_messages",
    "search_widget",
    "set_chat_zone",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used, then keep it."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and IDEs see; at run time `__getattr__` does this
    from toolkit.config import Settings, load_settings
    from toolkit.errors import ChatbookError
    from toolkit.extract.stage import extract_new, set_chat_zone
    from toolkit.extract.text import extract_events
    from toolkit.ingest.importer import export_messages, ingest_paths
    from toolkit.ingest.zones import list_chats
    from toolkit.ops.backup import backup, restore
    from toolkit.ops.demo import run_demo
    from toolkit.ops.doctor import run_checks
    from toolkit.ops.pipeline import run_pipeline
    from toolkit.review.events import export_ics
    from toolkit.review.proposals import list_proposals, proposal_changes
    from toolkit.search.embed import embed_new
    from toolkit.search.query import search_messages
    from toolkit.store.connect import migrate_all, open_db
    from toolkit.ui.review.app import ReviewApp
    from toolkit.ui.search_widget import search_widget
