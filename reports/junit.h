#pragma once
// JUnit XML, the test-report format CI systems display (Jenkins, GitLab, GitHub Actions reporters):
// one <testsuite> with one <testcase> per check, a <failure> inside each failed one. The subset
// written is the one every reader accepts (the Ant JUnit task's schema).

#include <string>
#include <utility>
#include <vector>

namespace bundlesim {

struct JunitCase {
  std::string name;
  std::string classname;
  bool failed = false;
  std::string failure_message;  // one line, the `message` attribute
  std::string output;           // <system-out>
};

struct JunitSuite {
  std::string name;
  std::string timestamp;  // ISO 8601
  double seconds = 0;
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<JunitCase> cases;
};

// Escapes &, <, >, " and ' and drops characters XML 1.0 forbids.
std::string xml_escape(const std::string& text);
std::string junit_xml(const JunitSuite& suite);
// Throws std::runtime_error naming the file when it can't be written.
void write_junit(const std::string& path, const JunitSuite& suite);

}  // namespace bundlesim
