#pragma once

// A small plain SQL dump as pg_dump 17 writes it, for unit tests of the dump
// checks: one COPY block per table, rows as text COPY lines.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/fake_tables.hpp"

namespace pgverify::testing {

// The comment pg_dump ends every plain dump with: a dump without it was cut short.
inline constexpr const char* kPlainDumpTrailer = "--\n-- PostgreSQL database dump complete\n--\n\n";

inline std::string plain_dump_text(const std::vector<FakeTable>& tables, bool complete = true) {
  std::string text =
      "--\n-- PostgreSQL database dump\n--\n\n"
      "-- Dumped from database version 17.12 (Debian 17.12-0+deb13u1)\n"
      "-- Dumped by pg_dump version 17.12 (Debian 17.12-0+deb13u1)\n\n"
      "SET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', false);\n\n";
  for (const auto& t : tables) {
    const auto dot = t.name.find('.');
    text += "--\n-- Name: " + t.name.substr(dot + 1) + "; Type: TABLE; Schema: " + t.name.substr(0, dot) +
            "; Owner: postgres\n--\n\nCREATE TABLE " + t.name + " (\n    c text\n);\n\n";
    text += "--\n-- Data for Name: " + t.name.substr(dot + 1) + "; Type: TABLE DATA; Schema: " + t.name.substr(0, dot) +
            "; Owner: postgres\n--\n\nCOPY " + t.name + " (c) FROM stdin;\n";
    for (const auto& row : t.rows) text += row + "\n";
    text += "\\.\n\n\n";
  }
  if (complete) text += kPlainDumpTrailer;
  return text;
}

inline std::filesystem::path write_plain_dump(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace pgverify::testing
