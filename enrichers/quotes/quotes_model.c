/* quotes_model — models/speakers.model, the speaker ranker's weights
 * (quotes_rank.c), built into the library so that the stage needs no
 * file at run time: the assembler includes the file's bytes and a NUL.
 * Retrain with `make speakers-train` (tools/speakers_train.c); mk/quotes.mk
 * rebuilds this object when the model changes.
 */
#include "enrichers/quotes/quotes_int.h"

__asm__(".section .rodata\n"
        ".global ne_speakers_model_text\n"
        ".type ne_speakers_model_text, @object\n"
        "ne_speakers_model_text:\n"
        ".incbin \"models/speakers.model\"\n"
        ".byte 0\n"
        ".size ne_speakers_model_text, . - ne_speakers_model_text\n"
        ".previous\n");
