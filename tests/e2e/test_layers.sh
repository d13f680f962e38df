# The architecture's guards (issue 18): scripts/check-layers passes on the
# tree and fails, naming the file and line, on what it is there to stop; the
# same-output script is left to refactors (it builds two binaries).
t_begin "check-layers: the tree keeps its stages"
assert_exit 0 scripts/check-layers

t_begin "check-layers: an include of a later stage fails, with file and line"
cp -R generator "$T/gen"
printf '#include "render/render.h"\n' >> "$T/gen/model/slug.c"
assert_exit 1 scripts/check-layers "$T/gen"
assert_stdout_contains "$T/gen/model/slug.c:"
assert_stdout_contains 'model/ includes "render/render.h" from a later stage'

t_begin "check-layers: a cycle between two modules of one stage fails"
rm -rf "$T/gen" && cp -R generator "$T/gen"
printf '#include "base/fsutil.h"\n' >> "$T/gen/base/strmap.h"
printf '#include "base/strmap.h"\n' >> "$T/gen/base/fsutil.h"
assert_exit 1 scripts/check-layers "$T/gen"
assert_stdout_contains "include cycle: base/fsutil -> base/strmap -> base/fsutil"

t_begin "check-layers: a bare include, a missing header and a folder that is no stage fail"
rm -rf "$T/gen" && cp -R generator "$T/gen"
printf '#include "util.h"\n#include "base/nothere.h"\n' >> "$T/gen/model/slug.c"
mkdir "$T/gen/misc" && printf 'int x;\n' > "$T/gen/misc/x.c"
assert_exit 1 scripts/check-layers "$T/gen"
assert_stdout_contains '"util.h" does not name its stage'
assert_stdout_contains '"base/nothere.h" is not a header of the generator'
assert_stdout_contains "misc: a folder that is not a stage"
