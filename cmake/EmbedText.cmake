# Writes OUTPUT: a C++ source defining `std::string_view FUNCTION() noexcept` in NAMESPACE that
# returns the bytes of INPUT. Run in script mode by a custom command, so edits re-embed.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
math(EXPR length "${hex_length} / 2")
file(WRITE "${OUTPUT}" "#include <string_view>\nnamespace ${NAMESPACE} {\nnamespace { constexpr char data[] = {${bytes} 0}; }\nstd::string_view ${FUNCTION}() noexcept { return {data, ${length}}; }\n}\n")
