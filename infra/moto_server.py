"""moto's server on loopback, applying one request at a time.

DynamoDB applies every conditional write and transaction atomically. moto's
server is threaded and takes no lock, so two concurrent requests could
interleave one's condition check with the other's write. Holding a lock
around each request gives moto the atomicity the real service has, while the
tests still send their requests concurrently.

It also answers `GET /_moments/ses/messages`: the messages moto's SES has
accepted, and nothing else. moto's own `/moto-api/data.json` serialises
every model instance it tracks, each DynamoDB item of every test included,
while holding the lock above: with the whole suite's tables in moto that
takes minutes and stalls every other test.

Usage: python infra/moto_server.py HOST PORT
"""

import json
import os
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


SES_MESSAGES = "/_moments/ses/messages"


def ses_messages(start_response):
    from moto.core.model_instances import model_data

    tracked = model_data.get("ses", {}).get("Message")
    messages = [
        {"id": m.id, "source": m.source, "subject": m.subject, "body": m.body,
         "destinations": m.destinations}
        for m in (tracked.instances_tracked if tracked else [])
    ]
    body = json.dumps(messages).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def serialised(app):
    lock = threading.Lock()

    def handle(environ, start_response):
        with lock:
            if environ.get("PATH_INFO") == SES_MESSAGES:
                return ses_messages(start_response)
            # Materialise the body inside the lock: the request is done
            # only when its whole answer exists.
            return list(app(environ, start_response))

    return handle


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, serialised(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
