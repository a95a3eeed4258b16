// ASCII case rules used by the protocols (atoms, keywords, header names, INBOX).
#pragma once

#include <string>
#include <string_view>

namespace pillarbox::ascii {

/// Lower-cases A-Z only; every other byte is kept.
char to_lower(char c);
char to_upper(char c);
std::string lower(std::string_view s);
std::string upper(std::string_view s);
/// True when a and b are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);
/// True when s starts with prefix, ignoring ASCII case.
bool istarts_with(std::string_view s, std::string_view prefix);
/// Position of needle in hay ignoring ASCII case, or npos.
std::size_t ifind(std::string_view hay, std::string_view needle);
/// Removes leading and trailing spaces, tabs, CR and LF.
std::string_view trim(std::string_view s);

}  // namespace pillarbox::ascii
