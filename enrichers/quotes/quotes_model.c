/* quotes_model — models/speakers.model, the speaker ranker's weights
 * (quotes_rank.c), models/statements.model, the statement filter's
 * (quotes_filter.c), and models/describe.model, the described-speaker
 * resolver's (quotes_describe.c), built into the library so that the
 * stage needs no file at run time: the assembler includes the file's
 * bytes and a NUL.
 * Retrain with `make speakers-train` (tools/speakers_train.c) and
 * `make statements-train` (tools/statements_train.c) and `make
 * describe-train` (tools/describe_train.c); mk/quotes.mk and
 * mk/statements.mk rebuild this object when a model changes.
 */
#include "enrichers/quotes/quotes_int.h"

__asm__(".section .rodata\n"
        ".global ne_speakers_model_text\n"
        ".type ne_speakers_model_text, @object\n"
        "ne_speakers_model_text:\n"
        ".incbin \"models/speakers.model\"\n"
        ".byte 0\n"
        ".size ne_speakers_model_text, . - ne_speakers_model_text\n"
        ".global ne_statements_model_text\n"
        ".type ne_statements_model_text, @object\n"
        "ne_statements_model_text:\n"
        ".incbin \"models/statements.model\"\n"
        ".byte 0\n"
        ".size ne_statements_model_text, . - ne_statements_model_text\n"
        ".global ne_describe_model_text\n"
        ".type ne_describe_model_text, @object\n"
        "ne_describe_model_text:\n"
        ".incbin \"models/describe.model\"\n"
        ".byte 0\n"
        ".size ne_describe_model_text, . - ne_describe_model_text\n"
        ".previous\n");
