def handler(event, context):
    event["touched"] = True
    return {"keys": sorted(event)}
