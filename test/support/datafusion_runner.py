"""Runs SQL on Apache DataFusion, OpenObserve's query engine (docs/contracts.md §6), for the tests.

Reads {"table": name, "columns": {column: "int" | "float" | "string"}, "rows": [...],
"queries": [sql, ...]} as JSON on standard input and writes one answer per query:
{"columns": [...], "rows": [...]} or {"error": "..."}. Timestamps come back as ISO strings.
"""
import datetime
import json
import sys

import datafusion
import pyarrow as pa

TYPES = {"int": pa.int64(), "float": pa.float64(), "string": pa.string()}


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def main():
    request = json.load(sys.stdin)
    schema = pa.schema([(name, TYPES[kind]) for name, kind in request["columns"].items()])
    table = pa.Table.from_pylist(request["rows"], schema=schema)
    ctx = datafusion.SessionContext()
    ctx.register_record_batches(request["table"], [table.to_batches() or [pa.RecordBatch.from_pylist([], schema=schema)]])
    answers = []
    for sql in request["queries"]:
        try:
            frame = ctx.sql(sql)
            result = frame.to_arrow_table()
            answers.append({
                "columns": result.column_names,
                "rows": [{k: plain(v) for k, v in row.items()} for row in result.to_pylist()],
            })
        except Exception as error:  # every failure is the test's answer, not a crash
            answers.append({"error": str(error)})
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
