"""Importing: files people bring, read into workspace layers. One front door.

:func:`run_import` takes any kind of :data:`KINDS` (village and township boundaries, household
registers, tables of facilities, stations, sites and indicators, road files, the
assistance tables of cadres, pairings, teams, visits, measures, projects and exit plans, and
the stations' yearly operations reports): it reads the file with that kind's reader, checks
every row against the workspace, and writes the change — with its history rows, for
households, indicators, villages, the assistance layers and station operations — in one
locked transaction. What it did, and every row it could not take or took
with a warning, is the :class:`ImportOutcome`.

Inside: ``headers`` (one header mechanism for every reader), ``tabular`` (workbooks and CSV,
bounded), ``vector`` (boundary files and file sniffing), ``register``, ``tables``, ``roads``
(the readers), ``members`` (household counts from person rows), ``history`` (recording an
import), ``templates``, ``run`` (the imports themselves), ``kinds`` (the registry). The big
readers and ``run`` are front doors over modules named for their steps: ``vector_*`` (columns,
encoding, CRS, values, repair), ``register_*`` (headers, rows, values, villages, households,
members, identity, report), ``table_*`` (headers, values, rows, assistance, dates,
operations, coordinates, absent columns),
``run_*`` per kind with ``boundary_plan``, ``outcome``, ``plausibility`` and ``transaction``;
``templates`` over ``template_columns``, ``template_assistance`` and
``template_operations``.
"""

from .errors import ImportFailed, Note
from .kinds import KINDS, ImportKind, kind_of
from .run import (
    ImportOutcome,
    file_headers,
    implausible,
    import_failure,
    mappable_fields,
    recognised_headers,
    run_import,
    workbook_sheets,
)

__all__ = [
    "KINDS",
    "ImportFailed",
    "ImportKind",
    "ImportOutcome",
    "Note",
    "file_headers",
    "implausible",
    "import_failure",
    "kind_of",
    "mappable_fields",
    "recognised_headers",
    "run_import",
    "workbook_sheets",
]
