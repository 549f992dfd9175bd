"""moto_server, taught one thing it does not know yet: API Gateway REST stages as CloudWatch Logs
delivery sources of EXECUTION_LOGS (docs/contracts.md §8). moto 5.2.5 accepts delivery sources only
for the services listed in `LogsBackend.put_delivery_source`; everything else runs unchanged.

Run as `python moto_server.py -H 127.0.0.1 -p PORT`, like moto_server itself.
"""
import sys

from moto.logs.models import DeliverySource, LogsBackend
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

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
