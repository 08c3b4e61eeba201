// libphonenumber-js with its largest ("max") metadata plus validator's
// isEmail: the JavaScript baseline of the size report.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import isEmail from 'validator/lib/isEmail.js';

export { parsePhoneNumberFromString, isEmail };
