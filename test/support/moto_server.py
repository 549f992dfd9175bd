"""moto_server, taught two things it does not do yet: API Gateway REST stages as CloudWatch Logs
delivery sources of EXECUTION_LOGS (docs/contracts.md §8; moto 5.2.5 accepts delivery sources only
for the services listed in `LogsBackend.put_delivery_source`), and the pages AWS answers the
deliveries' lists in (at most `limit`, 50 by default, with a `nextToken`; moto answers all at
once, so a caller that reads one page only would pass its tests). Everything else runs unchanged.

Run as `python moto_server.py -H 127.0.0.1 -p PORT`, like moto_server itself.
"""
import json
import sys

from moto.logs.models import DeliverySource, LogsBackend
from moto.logs.responses import LogsResponse
from moto.server import main

known = LogsBackend.put_delivery_source


def put_delivery_source(self, name, resource_arn, log_type, tags):
    if resource_arn.startswith("arn:aws:apigateway:") and log_type == "EXECUTION_LOGS":
        source = DeliverySource(
            account_id=self.account_id,
            region=self.region_name,
            name=name,
            resource_arn=resource_arn,
            log_type=log_type,
            tags=tags,
        )
        self.delivery_sources[name] = source
        return source
    return known(self, name, resource_arn, log_type, tags)


LogsBackend.put_delivery_source = put_delivery_source


def paged(answer, key):
    def handler(self):
        items = json.loads(answer(self))[key]
        start = int(self._get_param("nextToken") or 0)
        limit = int(self._get_param("limit") or 50)
        page = {key: items[start : start + limit]}
        if start + limit < len(items):
            page["nextToken"] = str(start + limit)
        return json.dumps(page)

    return handler


for method, key in [
    ("describe_deliveries", "deliveries"),
    ("describe_delivery_sources", "deliverySources"),
    ("describe_delivery_destinations", "deliveryDestinations"),
]:
    setattr(LogsResponse, method, paged(getattr(LogsResponse, method), key))

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
