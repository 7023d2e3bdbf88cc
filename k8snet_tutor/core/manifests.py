"""Reading manifests: YAML/JSON text -> plain Python documents that remember positions.

CONTRACT (implemented by the loader work; other modules rely on exactly this):

- `Document`: one YAML document (or one item of a `kind: List` / `*List` object, flattened).
    - `data`: the plain Python value (dicts, lists, str, int, float, bool, None).
    - `source`: the file name as given ("-" shown as "<stdin>"), `index`: 0-based document number.
    - `position(path)`: 1-based (line, column) of the node at `path` (keys and list indexes,
      relative to `data`; for a flattened list item, relative to the item), or of the deepest
      existing ancestor when part of the path is missing; None only if unknown.
- `load_text(text, source)`: parse a whole multi-document string. Returns (documents, problems).
  A YAML syntax error is a Problem with line/column and a hint; documents before it are kept.
- `load_paths(paths)`: files, folders (recursively *.yaml, *.yml, *.json, sorted), and "-" for
  stdin. Missing files, unreadable files, too-large files are Problems, not exceptions.
- Safety: safe loading only (no Python tags); alias bombs, deep nesting and files over
  `MAX_FILE_BYTES` are refused quickly with a clear Problem. Never raises for bad input.
"""
