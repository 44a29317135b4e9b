#include "reports/junit.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace bundlesim {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        out += static_cast<char>(c);
    }
  }
  return out;
}

std::string junit_xml(const JunitSuite& suite) {
  int failures = 0;
  for (const JunitCase& c : suite.cases) failures += c.failed;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"bundlesim check\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
                     suite.cases.size(), failures, suite.seconds);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3f}\" timestamp=\"{}\">\n",
      xml_escape(suite.name), suite.cases.size(), failures, suite.seconds, xml_escape(suite.timestamp));
  if (!suite.properties.empty()) {
    out += "    <properties>\n";
    for (const auto& [name, value] : suite.properties) {
      out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_escape(name), xml_escape(value));
    }
    out += "    </properties>\n";
  }
  for (const JunitCase& c : suite.cases) {
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"0\">\n", xml_escape(c.name), xml_escape(c.classname));
    if (c.failed) {
      out += fmt::format("      <failure message=\"{}\" type=\"CheckFailed\">{}</failure>\n", xml_escape(c.failure_message),
                         xml_escape(c.output));
    }
    if (!c.output.empty()) out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(c.output));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

void write_junit(const std::string& path, const JunitSuite& suite) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error(fmt::format("{}: can't write the JUnit file: {}", path, std::strerror(errno)));
  file << junit_xml(suite);
  file.close();
  if (!file) throw std::runtime_error(fmt::format("{}: can't write the JUnit file: {}", path, std::strerror(errno)));
}

}  // namespace bundlesim
