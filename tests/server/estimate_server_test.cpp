// upgrade::measure against real servers: the COPY text it predicts for the
// source is the COPY text the source really writes (vectors, wide text,
// TOASTed values), and the probe leaves nothing behind on the target.

#include <catch2/catch.hpp>

#include "pg/session.hpp"
#include "support/servers.hpp"
#include "upgrade/estimate.hpp"

using namespace pgverify;
using testing::real_server;

namespace {

// The bytes COPY TO STDOUT writes for every user table.
class CountingSink final : public pg::CopySink {
 public:
  void on_copy_data(const char*, std::size_t size) override { bytes += size; }
  std::uint64_t bytes = 0;
};

double real_copy_bytes(pg::Session& session) {
  const auto tables = session.query(
      "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON "
      "n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'");
  CountingSink sink;
  for (const auto& row : tables.rows) session.copy_out("COPY " + row[0].value_or("") + " TO STDOUT", sink);
  return static_cast<double>(sink.bytes);
}

}  // namespace

TEST_CASE("measure predicts the COPY text of tables whose text is far larger than their pages", "[server][estimate]") {
  testing::ScratchDatabase source{real_server(17), "pgv_est_src"};
  testing::ScratchDatabase target{real_server(18), "pgv_est_tgt"};
  // Vectors are 4 bytes a dimension on disk and about 10 as text; the bodies
  // are compressible text TOAST keeps small on disk.
  source.exec(R"SQL(
CREATE EXTENSION vector;
CREATE TABLE messages (id bigint PRIMARY KEY, body text, embedding vector(512));
INSERT INTO messages SELECT g, repeat('lorem ipsum ', 400),
       (SELECT array_agg(random())::real[]::vector FROM generate_series(1, 512) WHERE g > 0)
  FROM generate_series(1, 4000) g;
CREATE TABLE small (k int);
INSERT INTO small SELECT generate_series(1, 100);
)SQL");
  source.exec("ANALYZE");
  pg::LibpqConnector connector;
  auto src = connector.connect(source.dsn());
  auto tgt = connector.connect(target.dsn());
  // A sample smaller than the table, so the rate is extrapolated.
  const upgrade::Measurements m = upgrade::measure(*src, *tgt, {.compression = "lz4", .sample_bytes = 4u << 20});
  const double predicted = static_cast<double>(m.table_bytes) * m.copy_bytes_per_table_byte;
  const double real = real_copy_bytes(*src);
  INFO("predicted " << predicted << " bytes of COPY text, real " << real << "; table_bytes " << m.table_bytes);
  CHECK(predicted > real * 0.8);
  CHECK(predicted < real * 1.25);
  CHECK(m.tables == 2);
  CHECK(m.copy_bytes_per_s > 0);
  CHECK(m.codec.method == "lz4");
  CHECK(m.load_bytes_per_s > 0);
  CHECK(m.hash_table_bytes_per_s > 0);
  // The probe loaded the sample into vector columns: the extension was
  // created inside the transaction and is gone with it.
  CHECK(m.restore_copy_bytes_per_s > 0);
  CHECK(tgt->query("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").at(0, 0) == "0");
  CHECK(m.largest_table_bytes > m.table_bytes / 2);
  CHECK(m.index_bytes_per_s > 0);
  CHECK(tgt->query("SELECT count(*) FROM pg_class WHERE relname LIKE 'pgverify_estimate%'").at(0, 0) == "0");

  const auto estimate = upgrade::estimate_upgrade(m);
  CHECK(static_cast<double>(estimate.copy_bytes) == Approx(predicted).epsilon(0.01));
}
