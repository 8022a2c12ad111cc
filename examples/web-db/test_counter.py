"""The app's tests: they reach the database by its service name, `db`."""
import unittest
import uuid

import counter


class CounterTest(unittest.TestCase):
    def setUp(self):
        self.conn = counter.connect()

    def tearDown(self):
        self.conn.close()

    def test_counts_each_visit(self):
        page = f"/test-{uuid.uuid4()}"
        self.assertEqual(counter.count_visit(self.conn, page), 1)
        self.assertEqual(counter.count_visit(self.conn, page), 2)

    def test_database_is_the_db_service(self):
        self.assertEqual(self.conn.get_dsn_parameters()["host"], "db")


if __name__ == "__main__":
    unittest.main()
