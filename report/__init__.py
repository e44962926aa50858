"""The printed side: the brief's content (figures, tables, maps of a year), its PDF, the static
map picture and the CJK font it is set in. Above analysis and geo; used by the CLI and the
dashboard."""
