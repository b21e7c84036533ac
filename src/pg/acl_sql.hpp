// Privileges as text that compares across clusters: an ACL (aclitem[]) as its
// aclexplode items, one per privilege, "GRANTEE PRIVILEGE[ with grant option]
// granted by GRANTOR" (roles by name, quoted as quote_ident quotes them, PUBLIC
// for grantee 0), sorted bytewise and joined by "; ". Shared by the inventory
// (objects' ACLs) and the large object hashing (each object's ACL).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgverify::pg {

inline constexpr std::string_view kAclItemSeparator = "; ";

// An SQL expression: the items of the aclitem[] expression `acl`, or NULL when
// it has none.
std::string acl_items_sql(const std::string& acl);

// An SQL expression: the items of the object's effective ACL (a NULL `acl`
// meaning acldefault(kind, owner), as PostgreSQL reads it), or NULL when they
// are exactly the defaults for its owner. `kind` is acldefault's letter:
// 'r' relation, 's' sequence, 'c' column, 'n' schema, 'f' function, 'T' type,
// 'l' language, 'F' foreign data wrapper, 'S' foreign server, 'L' large
// object, 'd' database.
std::string acl_unless_default_sql(const std::string& acl, char kind, const std::string& owner);

// One ACL item of that text, taken apart.
struct AclItem {
  std::string grantee;    // a role name, or PUBLIC
  std::string privilege;  // SELECT, UPDATE, USAGE, ...
  bool grant_option = false;
  std::string grantor;
};

// The items of an ACL text (as acl_items_sql gives it); items that do not
// parse are kept whole as a grantee with no privilege.
std::vector<AclItem> parse_acl_items(std::string_view text);
std::string to_string(const AclItem& item);

}  // namespace pgverify::pg
