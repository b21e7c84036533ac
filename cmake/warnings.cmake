# Interface targets for compiler options. Warnings apply to our own code only
# (third-party headers are included as system headers by their imported targets).
add_library(pgverify_warnings INTERFACE)
target_compile_options(pgverify_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)

# Options every pgverify target shares (sanitizers when asked for; the fuzz
# build instruments every library for libFuzzer's coverage).
add_library(pgverify_options INTERFACE)
if(PGVERIFY_FUZZ)
  target_compile_options(pgverify_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(pgverify_options INTERFACE -fsanitize=address,undefined)
endif()
if(PGVERIFY_SANITIZE)
  target_compile_options(pgverify_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(pgverify_options INTERFACE -fsanitize=address,undefined)
endif()
