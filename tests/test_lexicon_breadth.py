"""Lay words the lexicons must know: body parts and organs as health targets, everyday symptom
words, body functions, and remedy classes from kitchens, Ayurveda, infusion clinics and
multi-level-marketing catalogues. Each sentence is the project's own; each checks that the word
is tagged with the right class and id, and that an ambiguous neighbour still reads as it should."""

from __future__ import annotations

import pytest

from analyzer.run.pipeline import get_pipeline


@pytest.fixture(scope="module")
def tag_ids():
    nlp = get_pipeline(scorer="")
    component = nlp.get_pipe("health_claims")

    def tags(text: str) -> dict[str, tuple[str, str]]:
        doc = nlp.make_doc(text)
        return {doc[t.start : t.end].text.lower(): (t.cls, t.id) for t in component.tags(doc)}

    return tags


TARGETS = [
    # body parts, organs and systems named as what a product works on
    ("Three weeks on the drops and my skin feels brand new.", "skin", "EFFECT", "skin_health"),
    ("The tonic soothes the gut after a heavy meal.", "gut", "EFFECT", "digestion"),
    ("A spoonful each night keeps the bowels moving.", "bowels", "EFFECT", "digestion"),
    ("It coats the intestines with a protective film.", "intestines", "EFFECT", "digestion"),
    ("After a week my knee stopped clicking on the stairs.", "knee", "EFFECT", "joint_health"),
    ("Rub the balm into the joint twice a day.", "joint", "EFFECT", "joint_health"),
    ("Feed your brain the nutrients it craves.", "brain", "EFFECT", "brain_health"),
    ("The steam opened up my sinuses in minutes.", "sinuses", "EFFECT", "lung_health"),
    ("Tired eyes? These gummies protect your eyes from strain.", "eyes", "EFFECT", "eye_health"),
    ("The tea flushes the kidney and the bladder.", "kidney", "EFFECT", "kidney_health"),
    ("The gargle firms up the gums within days.", "gums", "EFFECT", "dental_health"),
    ("This root regenerates hepatocytes.", "hepatocytes", "EFFECT", "liver_health"),
    ("A warm compress over the gallbladder eases the flow.", "gallbladder", "EFFECT", "digestion"),
    # body functions
    ("Nursing mothers swear the tea boosts breast milk supply.", "breast milk supply", "EFFECT", "lactation"),
    ("These cookies increase milk production for new moms.", "milk production", "EFFECT", "lactation"),
    ("Berberine switches on natural GLP-1 in your body.", "natural glp-1", "EFFECT", "glp1"),
    ("Members saw their A-1c levels fall in a month.", "a-1c levels", "EFFECT", "blood_sugar"),
    ("The capsules put the spark back in your love life.", "love life", "EFFECT", "libido"),
    ("Our blend supports implantation and a healthy pregnancy.", "implantation", "EFFECT", "fertility"),
    ("Few herbs match its healing properties.", "healing properties", "EFFECT", "general_wellbeing"),
    ("The cream fades dark circles overnight.", "dark circles", "EFFECT", "skin_aging"),
    ("The tincture gives a lasting feeling of calm.", "feeling of calm", "EFFECT", "relaxation"),
    ("The shake tames your sweet tooth.", "sweet tooth", "WEIGHT", "appetite_cravings"),
    # everyday symptom words
    ("My stomachaches were gone by Friday.", "stomachaches", "CONDITION", "digestive_disorders"),
    ("Peppermint settles a tummy ache fast.", "tummy ache", "CONDITION", "digestive_disorders"),
    ("The syrup knocked out my fever overnight.", "fever", "CONDITION", "fever"),
    ("Every time I get a cold I reach for the elderberry.", "get a cold", "CONDITION", "common_cold"),
    ("Nobody in the house caught the stomach bug this winter.", "stomach bug", "CONDITION", "food_poisoning"),
    ("The salve stopped the itching and the redness.", "redness", "CONDITION", "skin_conditions"),
    ("My arms were itchy for months until I tried it.", "itchy", "CONDITION", "skin_conditions"),
    ("Dab it on mosquito bites to calm them.", "mosquito bites", "CONDITION", "wounds_burns"),
    ("No blisters the next morning after the burn.", "blisters", "CONDITION", "wounds_burns"),
    ("The beads stopped her drooling.", "drooling", "CONDITION", "colic"),
    ("Fewer flare-ups since I started the oil.", "flare-ups", "CONDITION", "disease_generic"),
    ("None of us have been getting sick this season.", "getting sick", "CONDITION", "disease_generic"),
    ("The tingling in my feet has faded.", "tingling", "CONDITION", "neuropathy"),
    ("My back was achy and sore every morning.", "achy", "CONDITION", "pain"),
    ("He gets cramps in his calves at night.", "cramps", "CONDITION", "muscle_pain"),
    ("She no longer gets nervous before exams.", "nervous", "CONDITION", "anxiety"),
    ("The drops ease panic in a stressful moment.", "panic", "CONDITION", "panic_disorder"),
    ("A nightly soak melts tension away.", "tension", "CONDITION", "stress"),
    ("Lemon water dissolves calcium deposits.", "calcium deposits", "CONDITION", "calcification"),
    ("Our dog's fleas vanished after one bath.", "fleas", "CONDITION", "parasites"),
    ("The lenses shield you from harmful blue light.", "harmful blue light", "CONDITION", "radiation_exposure"),
    ("My blurry vision cleared up.", "blurry vision", "CONDITION", "eye_disease"),
    ("It eased every one of my symptoms.", "symptoms", "CONDITION", "disease_generic"),
    ("Our puppy is far less fearful of thunder now.", "fearful", "CONDITION", "anxiety"),
    ("The gel keeps the nasty bugs away from the kids.", "nasty bugs", "CONDITION", "infection"),
    ("Take two before bed to blunt the effects of alcohol.", "effects of alcohol", "CONDITION", "hangover"),
    ("Since the first dose he has slept through the night.", "slept through the night", "EFFECT", "sleep_quality"),
    ("The serum undoes years of sun damage.", "sun damage", "EFFECT", "skin_aging"),
    ("It rebuilds damaged tissue from the inside.", "damaged tissue", "EFFECT", "cellular_repair"),
    ("A daily spoonful keeps you in optimal health.", "optimal health", "EFFECT", "general_wellbeing"),
    ("The grogginess lasts until lunch.", "grogginess", "CONDITION", "fatigue"),
    ("By noon I felt run down and foggy.", "run down", "CONDITION", "fatigue"),
    ("The drops stopped the dizzy spells.", "dizzy spells", "CONDITION", "tinnitus"),
    ("Two weeks on the tea and I am pain-free.", "pain-free", "CONDITION", "pain"),
    ("No more cranky toddlers at bedtime.", "cranky", "CONDITION", "mood_swings"),
    ("The decoction moves stagnant qi.", "stagnant qi", "CONDITION", "tcm_ayurveda_patterns"),
    ("Cooling herbs settle excess pitta.", "excess pitta", "CONDITION", "tcm_ayurveda_patterns"),
    ("At the first sign of a cough or a cold, take a spoonful.", "a cough or a cold", "CONDITION", "common_cold"),
    ("Beet shots bring down your BP.", "bp", "EFFECT", "blood_pressure"),
    ("The cream blocks melanin production.", "melanin production", "EFFECT", "skin_health"),
    ("Fish skin chews give a shiny coat.", "shiny coat", "EFFECT", "skin_health"),
    ("The spray ends itchy paws.", "itchy paws", "CONDITION", "skin_conditions"),
]


REMEDIES = [
    # kitchen remedies, herbs and remedy classes, named as what a claim is about
    ("Warm lemon water every morning clears the skin.", "warm lemon water", "SUBSTANCE", "lemon"),
    ("Raw honey on the blister healed it.", "raw honey", "SUBSTANCE", "honey_raw"),
    ("A castor oil pack draws out the pain.", "castor oil pack", "SUBSTANCE", "castor_oil"),
    ("An onion poultice breaks up the cough.", "onion poultice", "SUBSTANCE", "onion"),
    ("Gripe water settles colicky babies.", "gripe water", "SUBSTANCE", "gripe_water"),
    ("Fennel tea settles a colicky baby.", "fennel tea", "SUBSTANCE", "kitchen_herbs"),
    ("Sunflower lecithin unclogs a blocked duct.", "sunflower lecithin", "SUBSTANCE", "lecithin"),
    ("Chasteberry balances the cycle.", "chasteberry", "SUBSTANCE", "vitex"),
    ("Guduchi juice builds immunity.", "guduchi", "SUBSTANCE", "giloy"),
    ("Triphala cleans the colon.", "triphala", "SUBSTANCE", "triphala"),
    ("Bhringraj oil stops hair fall.", "bhringraj", "SUBSTANCE", "bhringraj"),
    ("Slippery elm coats an ulcer.", "slippery elm", "SUBSTANCE", "slippery_elm"),
    ("Burdock root purifies the blood.", "burdock root", "SUBSTANCE", "burdock"),
    ("Fermented foods like sauerkraut heal the gut.", "sauerkraut", "SUBSTANCE", "probiotics"),
    ("A vitamin drip cures a hangover in an hour.", "vitamin drip", "SUBSTANCE", "iv_therapy"),
    ("The Myers cocktail fixes fatigue.", "myers cocktail", "SUBSTANCE", "iv_therapy"),
    ("Baltic amber calms a teething baby.", "baltic amber", "SUBSTANCE", "amber_teething"),
    ("A copper bracelet eases arthritis.", "copper bracelet", "SUBSTANCE", "healing_bracelets"),
    ("A neti pot ends sinus infections.", "neti pot", "SUBSTANCE", "saline_rinse"),
    ("The Pink Drink melted my belly fat.", "the pink drink", "SUBSTANCE", "mlm_nutrition_lines"),
    ("Morinda juice ended my joint pain.", "morinda", "SUBSTANCE", "noni"),
    ("USANA vitamins fixed my energy.", "usana", "SUBSTANCE", "mlm_nutrition_lines"),
    ("Isagenix shakes reset your metabolism.", "isagenix shakes", "SUBSTANCE", "mlm_nutrition_lines"),
    ("Chamomilla stopped the teething pain.", "chamomilla", "SUBSTANCE", "homeopathy"),
    ("Magnesium spray on the feet ends cramps.", "magnesium spray", "SUBSTANCE", "magnesium"),
    ("These oils kept the flu away all winter.", "these oils", "SUBSTANCE", "essential_oils_generic"),
    ("Home remedies work better than pills.", "home remedies", "SUBSTANCE", "generic_product"),
    ("This stuff stopped my migraines.", "this stuff", "SUBSTANCE", "generic_product"),
    # medicines a remedy is set against ("no cough syrup needed", "better than Benadryl")
    ("It knocked out my cold, no NyQuil needed.", "nyquil", "DRUG", "otc_cold_allergy"),
    ("Works faster than Tums for heartburn.", "tums", "DRUG", "digestive_drugs"),
    ("Skip the hydrocortisone cream and try the salve.", "hydrocortisone cream", "DRUG", "steroids"),
    ("Gentler than over-the-counter medicines.", "over-the-counter medicines", "DRUG", "otc_generic"),
]


NEIGHBOURS = [
    # a longer, more specific term still wins over the new short one
    ("I had a cold sore on my lip.", "had a cold sore", "CONDITION", "cold_sores"),
    ("The nervous system relies on magnesium.", "nervous system", "EFFECT", "brain_health"),
    ("A sore throat kept me up.", "sore throat", "CONDITION", "sore_throat"),
    ("Tension headaches used to ruin my week.", "tension headaches", "CONDITION", "headache"),
    ("The skin cancer rate is rising.", "skin cancer", "CONDITION", "skin_cancer"),
    ("Hay fever season is here.", "hay fever", "CONDITION", "allergies"),
    ("My knee pain is gone.", "knee pain", "CONDITION", "joint_pain"),
    ("Lemon balm calms the mind.", "lemon balm", "SUBSTANCE", "lemon_balm"),
    # a claim word inside a new phrase stays a claim word where the phrase is the claim
    ("Turmeric is a natural cure for arthritis.", "cure", "TREAT", "treat"),
]


@pytest.mark.parametrize(
    ("text", "word", "cls", "entry"),
    TARGETS + REMEDIES + NEIGHBOURS,
    ids=[t[1] for t in TARGETS + REMEDIES + NEIGHBOURS],
)
def test_lay_words_are_tagged_and_longer_terms_still_win(tag_ids, text, word, cls, entry):
    assert tag_ids(text).get(word) == (cls, entry)


@pytest.mark.parametrize(
    "text",
    [
        "Take two capsules on an empty stomach.",  # a dosing instruction names no target
        "Store the bottle somewhere cold and dark.",
        "Sit with your back straight while you sip it.",
        "The capsules sat heavy in my stomach.",  # a stomach is not a claim's target by itself
        "The label lists the health benefits the maker claims.",
    ],
)
def test_everyday_uses_of_body_words_are_not_targets(tag_ids, text):
    assert not [v for v in tag_ids(text).values() if v[0] in ("CONDITION", "EFFECT")]
