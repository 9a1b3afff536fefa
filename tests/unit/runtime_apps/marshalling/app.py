"""Returns values Lambda's JSON marshaller treats specially."""
from decimal import Decimal


def handler(event, context):
    kind = event["kind"]
    if kind == "decimal":
        return {"price": Decimal("1.10"), "qty": Decimal("3"), "big": Decimal("1E+2"),
                "nan": Decimal("NaN")}
    if kind == "set":
        return {"tags": {"a", "b"}}
    if kind == "bytes":
        return b"\x00raw"
    if kind == "tuple":
        return {"pair": (1, 2)}
    if kind == "huge":
        return "x" * (6 * 1024 * 1024 + 200)
    return None
