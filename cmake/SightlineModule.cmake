# sightline_module(NAME x SOURCES a.cpp b.cpp DEPENDS sightline::y ... [PRIVATE_DEPENDS z ...])
# One static library per subsystem folder; its DEPENDS line is the dependency graph. Libraries
# only the module's own .cpp files use (a database client) go in PRIVATE_DEPENDS, so their
# headers cannot leak into other modules.
function(sightline_module)
    cmake_parse_arguments(M "" "NAME" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
    set(target sightline_${M_NAME})
    list(TRANSFORM M_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/")
    add_library(${target} STATIC ${M_SOURCES})
    add_library(sightline::${M_NAME} ALIAS ${target})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${M_DEPENDS} PRIVATE ${M_PRIVATE_DEPENDS})
    target_compile_options(${target} PRIVATE ${SIGHTLINE_WARNINGS})
endfunction()
