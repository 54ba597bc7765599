"""Start the real server on a free port and talk HTTP to it."""

import json
import threading
import unittest
import urllib.error
import urllib.request

import service


class ServiceTest(unittest.TestCase):
    def setUp(self):
        self.server = service.make_server(0, host="127.0.0.1")
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=5) as response:
            return response.status, json.loads(response.read())

    def test_healthz_is_ok(self):
        self.assertEqual(self.get("/healthz"), (200, {"status": "ok"}))

    def test_root_names_the_service(self):
        status, body = self.get("/")
        self.assertEqual(status, 200)
        self.assertEqual(body["service"], service.NAME)

    def test_unknown_path_is_not_found(self):
        with self.assertRaises(urllib.error.HTTPError) as caught:
            self.get("/nope")
        self.assertEqual(caught.exception.code, 404)
        caught.exception.close()


if __name__ == "__main__":
    unittest.main()
