// cli/: the command line (CLI11): parses arguments, loads configuration, wires
// the real services into a Context, runs checks and hands results to reports/.
// The only place that prints to the terminal or decides the exit code.
#pragma once

namespace pgverify::cli {

int run(int argc, char** argv);

}  // namespace pgverify::cli
