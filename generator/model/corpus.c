/* corpus: queries of the loaded model (see corpus.h). */
#include "model/corpus.h"

size_t corpus_find(const struct corpus *c, const char *id)
{
	return strmap_get(&c->by_id, id);
}
