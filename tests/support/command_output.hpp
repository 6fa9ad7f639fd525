#pragma once
// Runs a shell command (a tool that reads back what Sightline wrote: pdftotext, ogrinfo, ...)
// and returns what it printed on standard output.

#include <string>

namespace sightline::testing {

/// Standard output of `/bin/sh -c command`; empty if it could not be started.
std::string command_output(const std::string& command);

}  // namespace sightline::testing
