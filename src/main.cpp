#include "cli/app.hpp"

int main(int argc, char** argv) { return pgverify::cli::run(argc, argv); }
