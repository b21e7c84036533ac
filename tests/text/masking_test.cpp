#include <catch2/catch.hpp>

#include "text/masking.hpp"

using pgverify::text::mask_secret_assignments;

TEST_CASE("a configured command's secret assignments are masked, the rest is kept", "[text][masking]") {
  CHECK(mask_secret_assignments("PGPASSWORD=hunter2 systemctl stop qry") == "PGPASSWORD=*** systemctl stop qry");
  CHECK(mask_secret_assignments("env API_TOKEN='a b c' run; x") == "env API_TOKEN='***' run; x");
  CHECK(mask_secret_assignments("psql \"host=db password=s3cret dbname=q\"") ==
        "psql \"host=db password=*** dbname=q\"");
  CHECK(mask_secret_assignments("X_SECRET=\"quoted value\";next") == "X_SECRET=\"***\";next");
  CHECK(mask_secret_assignments("db_passwd=abc;echo ok") == "db_passwd=***;echo ok");
  // Names that do not say secret, and assignments without a value, stay as they are.
  CHECK(mask_secret_assignments("REPLICAS=2 PORT=5432 systemctl start qry") == "REPLICAS=2 PORT=5432 systemctl start qry");
  CHECK(mask_secret_assignments("PGPASSWORD= cmd") == "PGPASSWORD= cmd");
  CHECK(mask_secret_assignments("a==b TOKEN=x=y") == "a==b TOKEN=***");
  CHECK(mask_secret_assignments("") == "");
  // An unclosed quote masks to the end.
  CHECK(mask_secret_assignments("PASSWORD='open") == "PASSWORD='***");
}
