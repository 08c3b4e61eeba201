// libphonenumber-js (max metadata) alone, for the phone-only comparison.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export { parsePhoneNumberFromString };
