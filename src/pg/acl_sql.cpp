#include "pg/acl_sql.hpp"

namespace pgverify::pg {

namespace {

constexpr std::string_view kGrantOption = " with grant option";
constexpr std::string_view kGrantedBy = " granted by ";

// Where a role name as quote_ident writes it ends: a quoted one may hold spaces.
std::size_t name_end(std::string_view text) {
  if (text.empty() || text[0] != '"') return text.find(' ');
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    if (i + 1 < text.size() && text[i + 1] == '"') {
      ++i;
      continue;
    }
    return i + 1 < text.size() ? i + 1 : std::string_view::npos;
  }
  return std::string_view::npos;
}

std::string role_name_sql(const std::string& oid) {
  return "CASE WHEN " + oid + " = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(" + oid +
         ")) END";
}

}  // namespace

std::string acl_items_sql(const std::string& acl) {
  return "(SELECT pg_catalog.string_agg(i.item, '" + std::string(kAclItemSeparator) +
         "' ORDER BY i.item COLLATE \"C\") "
         "   FROM (SELECT " + role_name_sql("x.grantee") + " || ' ' || x.privilege_type "
         "                || CASE WHEN x.is_grantable THEN '" + std::string(kGrantOption) + "' ELSE '' END "
         "                || '" + std::string(kGrantedBy) + "' || " + role_name_sql("x.grantor") + " AS item "
         "           FROM pg_catalog.aclexplode(" + acl + ") x) i)";
}

std::string acl_unless_default_sql(const std::string& acl, char kind, const std::string& owner) {
  const std::string defaults = "pg_catalog.acldefault('" + std::string(1, kind) + "', " + owner + ")";
  // Compared as items, not as arrays: an explicit ACL equal to the defaults
  // (what GRANT leaves after a REVOKE puts them back) reads as the defaults.
  return "CASE WHEN " + acl + " IS NULL THEN NULL ELSE NULLIF(COALESCE(" + acl_items_sql(acl) + ", ''), COALESCE(" +
         acl_items_sql(defaults) + ", '')) END";
}

std::vector<AclItem> parse_acl_items(std::string_view text) {
  std::vector<AclItem> items;
  while (!text.empty()) {
    const std::size_t end = text.find(kAclItemSeparator);
    std::string_view piece = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + kAclItemSeparator.size());
    AclItem item;
    const std::size_t by = piece.rfind(kGrantedBy);
    const std::size_t space = name_end(piece);
    if (by == std::string_view::npos || space == std::string_view::npos || space >= by) {
      item.grantee = std::string(piece);
      items.push_back(std::move(item));
      continue;
    }
    item.grantor = std::string(piece.substr(by + kGrantedBy.size()));
    std::string_view privilege = piece.substr(space + 1, by - space - 1);
    if (privilege.size() > kGrantOption.size() &&
        privilege.substr(privilege.size() - kGrantOption.size()) == kGrantOption) {
      item.grant_option = true;
      privilege.remove_suffix(kGrantOption.size());
    }
    item.grantee = std::string(piece.substr(0, space));
    item.privilege = std::string(privilege);
    items.push_back(std::move(item));
  }
  return items;
}

std::string to_string(const AclItem& item) {
  if (item.privilege.empty()) return item.grantee;
  return item.grantee + " " + item.privilege + (item.grant_option ? std::string(kGrantOption) : "") +
         std::string(kGrantedBy) + item.grantor;
}

}  // namespace pgverify::pg
