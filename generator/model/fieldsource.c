/* fieldsource: where each field came from (see fieldsource.h). */
#include "model/fieldsource.h"

#include <stdlib.h>
#include <string.h>

void explain_release(struct explain *ex)
{
	for (size_t i = 0; i < ex->n; i++) {
		free(ex->v[i].field);
		free(ex->v[i].how);
		free(ex->v[i].value);
	}
	free(ex->v);
	memset(ex, 0, sizeof(*ex));
}
