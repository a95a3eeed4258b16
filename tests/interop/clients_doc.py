"""The client table of docs/clients.md, made from the matrix (interopkit.MATRIX) and what a test
run saw (BUILD/interop-versions.json, written by each client test).

    PILLARBOX_BINARY=build/pillarbox python3 tests/interop/clients_doc.py --write

rewrites the table between the markers in docs/clients.md after a run of the matrix (ctest -L
interop); without --write it prints the table. test_clients_doc checks the file against the
installed clients.
"""
import json
import os
import sys

import interopkit as kit

DOC = os.path.join(kit.HERE, "..", "..", "docs", "clients.md")
BEGIN = "<!-- clients-table:begin (tests/interop/clients_doc.py --write) -->"
END = "<!-- clients-table:end -->"
HEADER = ["Client", "Version tested", "Test (tests/interop/)", "Scenario", "Result"]


def own_version(version):
    """The client's own version: the first word of a version cell ("1.7.8 (Node.js 20.20.2)" ->
    "1.7.8"); the runtime in brackets may differ between machines."""
    return version.split()[0] if version else ""


def seen():
    """The json a test run left, or {}."""
    try:
        with open(kit.versions_path()) as f:
            return json.load(f)
    except (OSError, ValueError, KeyError):
        return {}


def rows(saw):
    out = []
    for client, (name, test, scenario, reader) in kit.MATRIX.items():
        entry = saw.get(client)
        version = entry["version"] if entry else reader()
        result = entry["result"] if entry else "not run"
        out.append([name, version, f"`{test}`", scenario, result])
    return out


def render(table_rows):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in table_rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |")
    return "\n".join(lines)


def parse(text):
    """{client name: {column: cell}} of the table between the markers."""
    start, end = text.index(BEGIN), text.index(END)
    table = {}
    for line in text[start + len(BEGIN):end].strip().splitlines()[2:]:
        cells = [c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")]
        table[cells[0]] = dict(zip(HEADER, cells))
    return table


def main():
    table = render(rows(seen()))
    if "--write" not in sys.argv:
        print(table)
        return
    with open(DOC) as f:
        text = f.read()
    start, end = text.index(BEGIN), text.index(END)
    with open(DOC, "w") as f:
        f.write(text[:start + len(BEGIN)] + "\n" + table + "\n" + text[end:])


if __name__ == "__main__":
    main()
