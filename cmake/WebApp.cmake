# The browser app (web/): `npm ci` from the lockfile, then web/build.mjs bundles it with esbuild
# into web/ next to the sightline binary, where `sightline serve` finds it. Needs node and npm
# (scripts/install-deps); the DejaVu font comes from fonts-dejavu-core.
find_program(SIGHTLINE_NODE node REQUIRED)
find_program(SIGHTLINE_NPM npm REQUIRED)

set(web_source_dir ${PROJECT_SOURCE_DIR}/web)
set(web_output_dir ${CMAKE_BINARY_DIR}/web)
file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS
     ${web_source_dir}/src/* ${web_source_dir}/index.html ${web_source_dir}/embed.html
     ${web_source_dir}/build.mjs)

add_custom_command(
    OUTPUT ${web_source_dir}/node_modules/.package-lock.json
    COMMAND ${SIGHTLINE_NPM} ci --no-audit --no-fund --prefer-offline
    DEPENDS ${web_source_dir}/package.json ${web_source_dir}/package-lock.json
    WORKING_DIRECTORY ${web_source_dir}
    COMMENT "Installing the web app's npm packages (npm ci)")
add_custom_command(
    OUTPUT ${web_output_dir}/index.html
    COMMAND ${SIGHTLINE_NODE} ${web_source_dir}/build.mjs --out ${web_output_dir}
    DEPENDS ${web_sources} ${web_source_dir}/node_modules/.package-lock.json
    WORKING_DIRECTORY ${web_source_dir}
    COMMENT "Bundling the web app into ${web_output_dir}")
add_custom_target(web_app ALL DEPENDS ${web_output_dir}/index.html)
# `make run` builds only the sightline target; the app must come with it (a no-op once built).
add_dependencies(sightline web_app)
