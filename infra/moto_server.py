"""moto's server on loopback, applying one request at a time.

DynamoDB applies every conditional write and transaction atomically. moto's
server is threaded and takes no lock, so two concurrent requests could
interleave one's condition check with the other's write. Holding a lock
around each request gives moto the atomicity the real service has, while the
tests still send their requests concurrently.

Usage: python infra/moto_server.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def serialised(app):
    lock = threading.Lock()

    def handle(environ, start_response):
        with lock:
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
